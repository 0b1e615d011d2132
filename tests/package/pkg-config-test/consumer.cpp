// A host built without CMake: compiled and linked with
// `pkg-config --cflags --libs ticketflow` against an installed ticketflow.
#include <ticketflow/desk.hpp>
#include <ticketflow/version.hpp>

#include <cstdio>
#include <cstring>
#include <memory>

int main(int argc, char** argv) {
    if (argc != 2 || std::strcmp(argv[1], TICKETFLOW_VERSION) != 0) {
        std::printf("pkg-config consumer: headers of version %s, pkg-config says %s\n", TICKETFLOW_VERSION,
                    argc == 2 ? argv[1] : "?");
        return 1;
    }
    using namespace ticketflow;
    ServiceDesk desk(std::make_shared<MemoryStore>(), std::make_shared<ManualClock>(Instant{Duration{1716186600}}));
    NewTicket request;
    request.channel = channels::phone;
    request.type = ticket_types::consult;
    request.customer.id = "C1";
    request.description = "如何修改收货地址";
    const auto id = desk.open(Actor{"lead-1", Role::team_lead, ""}, request).id;
    if (desk.get(id).status != Status::pending) return 1;
    std::printf("pkg-config consumer: ticketflow %s works\n", TICKETFLOW_VERSION);
    return 0;
}
