// The main of every Catch2 test binary but the PostgreSQL one (postgres_main_test.cpp).
#define CATCH_CONFIG_MAIN
#include "case_count_listener.hpp"
