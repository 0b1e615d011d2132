# A ticketctl session end to end, run by ctest (example.ticketctl):
#   cmake -DTICKETCTL=<ticketctl> -DWORK_DIR=<empty dir to use> -P session_test.cmake
# Drives one ticket from intake to closed on a fresh database with the clock pinned by
# --now, and checks outputs and exit codes, including refused transitions (exit 1) and
# bad command lines (exit 2).
cmake_minimum_required(VERSION 3.16)

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(db "${WORK_DIR}/desk.db")
set(schema_args "")
# -DPOSTGRES=ON: the session on the PostgreSQL server in TICKETFLOW_TEST_POSTGRES_URI, in a
# fresh schema (the server is a throwaway one; the schema is left for inspection).
if(POSTGRES)
  if("$ENV{TICKETFLOW_TEST_POSTGRES_URI}" STREQUAL "")
    if("$ENV{CI}" STREQUAL "true")
      message(FATAL_ERROR "CI=true but TICKETFLOW_TEST_POSTGRES_URI is not set")
    endif()
    message("skipped: no PostgreSQL server (set TICKETFLOW_TEST_POSTGRES_URI)")
    return()
  endif()
  set(db "$ENV{TICKETFLOW_TEST_POSTGRES_URI}")
  string(RANDOM LENGTH 10 ALPHABET "abcdefghijklmnopqrstuvwxyz" suffix)
  set(schema_args --schema "ticketctl_${suffix}")
endif()
set(now "2024-05-20T06:30:00Z") # 14:30 in Beijing: tickets are numbered 20240520nnn

# ticketctl(<expected exit code> <args>...): runs ticketctl on the session's database,
# fails the test on another exit code, and leaves stdout in OUT and stderr in ERR.
function(ticketctl expected)
  execute_process(
    COMMAND "${TICKETCTL}" --db "${db}" ${schema_args} --now "${now}" --actor agent-1 ${ARGN}
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code STREQUAL "${expected}")
    message(FATAL_ERROR "ticketctl ${ARGN}\nexit code ${code}, expected ${expected}\n"
                        "--- stdout\n${out}--- stderr\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

# expect(<text> <regex> <what>): fails the test unless <text> matches <regex>.
function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected to match '${regex}', got:\n${text}")
  endif()
endfunction()

# --- the calendar: its coverage, and newer holiday data loaded with --calendar ---------
ticketctl(0 calendar)
expect("${OUT}" "Asia/Shanghai .*covers 2024-01-01\\.\\.2026-12-31" "calendar shows the built-in coverage")
file(WRITE "${WORK_DIR}/cn-2027.ics" "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:2027-new-year\r\n"
     "CATEGORIES:HOLIDAY\r\nSUMMARY:元旦\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\n"
     "END:VEVENT\r\nEND:VCALENDAR\r\n")
ticketctl(0 --calendar "${WORK_DIR}/cn-2027.ics" calendar)
expect("${OUT}" "covers 2024-01-01\\.\\.2027-12-31" "an ICS feed extends the coverage")
ticketctl(0 --json --calendar "${WORK_DIR}/cn-2027.ics" calendar)
expect("${OUT}" "\"covers\": \\[[^]]*\"2027-12-31\"" "... also in the JSON form")
file(WRITE "${WORK_DIR}/bad.ics" "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nCATEGORIES:HOLIDAY\r\nDTSTART;VALUE=DATE:2027\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
ticketctl(1 --calendar "${WORK_DIR}/bad.ics" calendar)
expect("${ERR}" "calendar_error: .*bad\\.ics" "a broken feed is the library's calendar error naming the file")
ticketctl(2 --calendar "${WORK_DIR}/missing.json" calendar)

# --- one ticket from intake to closed ------------------------------------------------
ticketctl(0 open --customer C20240520001 --channel online_chat --type complaint
          --order DD2024052012345 "APP订单支付后状态未更新 'quoted' -- 😀")
expect("${OUT}" "^20240520001 pending" "open prints the new ticket")
expect("${ERR}" "notify \\[received\\] customer C20240520001: " "intake acknowledges the customer")
set(id 20240520001)

ticketctl(0 assign ${id} eng-7 --department 技术部)
expect("${OUT}" "^${id} pending .* version 2" "assign")
expect("${ERR}" "notify \\[assigned\\] staff eng-7" "the assignee is told")

ticketctl(0 start ${id})
expect("${OUT}" "^${id} in_progress" "start")

ticketctl(0 update ${id} "已联系支付渠道核实" --eta 2024-05-20T10:00:00Z)
expect("${ERR}" "notify \\[progress\\] customer" "progress reaches the customer")

ticketctl(0 resolve ${id} "已重置订单状态" --responsibility platform)
expect("${OUT}" "^${id} done" "resolve")

# A refused transition is a library error: exit 1 with the library's message.
ticketctl(1 start ${id})
expect("${ERR}" "invalid_transition" "starting a done ticket is refused")
# So is a command the actor's role does not allow.
ticketctl(1 --actor C20240520009 --role customer resolve ${id} "自己解决了")
expect("${ERR}" "permission_denied" "a customer may not resolve a ticket")

ticketctl(0 feedback ${id} --grade satisfied --score 4 --comment 好)
expect("${OUT}" "^${id} closed" "satisfied feedback closes the ticket")

ticketctl(0 --json show ${id})
expect("${OUT}" "\"status\": \"closed\"" "show --json prints the ticket")
expect("${OUT}" "APP订单支付后状态未更新 'quoted' -- 😀" "text comes back verbatim")
expect("${OUT}" "\"allowed_actions\": \\[\\]" "a closed ticket allows nothing")

ticketctl(0 history ${id})
expect("${OUT}" "v1  open.*v2  assign.*v3  start.*v4  reply.*v5  resolve.*v6  close .*by agent-1" "history")

ticketctl(0 --json history ${id})
expect("${OUT}" "\"action\": \"resolve\"" "history --json")

ticketctl(0 list --status closed)
expect("${OUT}" "^${id}  closed .*1 ticket\n$" "list filters by status")
ticketctl(0 list --status pending)
expect("${OUT}" "^0 tickets" "nothing pending")

ticketctl(0 tick)
expect("${OUT}" "^checked 0 due tickets.*delivered 0 notifications" "tick with nothing due")

# --- a second ticket, cancelled ------------------------------------------------------
ticketctl(0 open --customer C2 "重复提交")
expect("${OUT}" "^20240520002 pending" "the daily serial continues")
ticketctl(0 cancel 20240520002 duplicate "与 ${id} 重复")
expect("${OUT}" "^20240520002 closed" "cancel")

# --- the SLA monitor: four days later the first response is overdue -------------------
ticketctl(0 open --customer C3 "退款未到账")
expect("${OUT}" "^20240520003 pending" "a third ticket")
set(now "2024-05-24T06:30:00Z")
ticketctl(0 tick)
expect("${OUT}" "[1-9][0-9]* breaches" "tick finds the overdue ticket")
expect("${ERR}" "notify \\[sla_breach\\] staff" "and tells staff")
ticketctl(0 --json tick)
expect("${OUT}" "\"breaches\": 0" "a breach is reported once")
set(now "2024-05-20T06:30:00Z")

# --- a repeat merged into the ticket it repeats ---------------------------------------
ticketctl(0 open --customer C3 "退款申请后一直没有到账")
expect("${OUT}" "^20240520004 pending" "a repeat")
# 20240520003 was last changed by the tick on the 24th: a command dated the 20th is refused.
ticketctl(1 merge 20240520004 20240520003 "同一笔退款")
expect("${ERR}" "is before the latest change of ticket 20240520003" "time does not go backwards on a ticket")
set(now "2024-05-24T06:31:00Z")
ticketctl(0 merge 20240520004 20240520003 "同一笔退款")
expect("${OUT}" "^20240520004 closed .*\n20240520003 pending" "merge prints both tickets")
ticketctl(0 history 20240520004)
expect("${OUT}" "merge .*merged into 20240520003: 同一笔退款" "the duplicate's history ends with the merge")
ticketctl(1 merge 20240520003 20240520003)
expect("${ERR}" "cannot be merged into itself" "a ticket is not merged into itself")
set(now "2024-05-20T06:30:00Z")

# --- library errors: exit 1 ------------------------------------------------------------
ticketctl(1 show 20240520999)
expect("${ERR}" "not_found" "an unknown ticket")
ticketctl(1 open --customer C3 --channel carrier_pigeon "x")
expect("${ERR}" "invalid_argument: .*channel" "an unknown channel is the library's validation error")
file(WRITE "${WORK_DIR}/notes.txt" "not a database\n")
execute_process(COMMAND "${TICKETCTL}" --db "${WORK_DIR}/notes.txt" list
  RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_QUIET)
expect("${code}" "^1$" "a foreign file is refused")
expect("${err}" "storage_error" "... as a storage error")

# --- usage errors: exit 2 --------------------------------------------------------------
ticketctl(2 frobnicate)
ticketctl(2)
ticketctl(2 open "no customer given")
ticketctl(2 list --status lost)
ticketctl(2 update ${id} "x" --eta tomorrow)
ticketctl(2 feedback ${id})
expect("${ERR}" "--grade or --no-answer" "feedback without a verdict")
ticketctl(2 feedback ${id} --no-answer --score 3)
expect("${ERR}" "--no-answer takes no --score" "a score without an answer")
ticketctl(2 list --limit -1)
expect("${ERR}" "--limit.*'-1' is not a whole number" "a negative limit")
ticketctl(2 list --limit 99999999999999999999999)
expect("${ERR}" "--limit.*is not a whole number from 0" "a limit beyond any count")
ticketctl(2 list --limit 3x)
expect("${ERR}" "--limit.*'3x' is not a whole number" "a limit that is no number")
ticketctl(0 list --limit 1)
expect("${OUT}" "^${id}  closed .*1 ticket\n$" "a good limit still works")
ticketctl(2 list --from 0000-01-01T00:00:00Z)
expect("${ERR}" "is before 1970-01-01T00:00:00Z" "a filter time before the epoch")

# A score given without --grade would be dropped: refused before anything is changed.
ticketctl(0 open --customer C5 "需要关闭的工单")
expect("${OUT}" "^20240520005 pending" "a fifth ticket")
ticketctl(0 assign 20240520005 eng-7)
ticketctl(0 start 20240520005)
ticketctl(2 update 20240520005 "x" --eta 1970-01-01T00:00:00Z)
expect("${ERR}" "--eta 1970-01-01T00:00:00Z is in the past \\(now is 2024-05-20T06:30:00Z\\)" "an ETA in the past")
ticketctl(0 resolve 20240520005 "已处理")
ticketctl(2 close 20240520005 --score 3)
expect("${ERR}" "--score needs --grade" "a score without a verdict")
ticketctl(2 close 20240520005 --comment "很好")
expect("${ERR}" "--comment needs --grade" "a comment without a verdict")
ticketctl(0 show 20240520005)
expect("${OUT}" "done" "the refused close left the ticket done")
ticketctl(0 close 20240520005 --grade satisfied --score 4)
expect("${OUT}" "^20240520005 closed" "close with a verdict and a score")

# Times before the epoch are refused as command-line values, never an untyped error.
execute_process(COMMAND "${TICKETCTL}" --db "${db}" ${schema_args} --now 0000-01-01T00:00:00Z list
  RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE err)
expect("${code}" "^2$" "--now 0000-01-01 is a usage error")
expect("${err}" "--now.*'0000-01-01T00:00:00Z' is before 1970-01-01T00:00:00Z" "... saying what is wrong")
ticketctl(2 open --customer C6 --received-at 0000-01-01T00:00:00Z "y")
expect("${ERR}" "--received-at.*is before 1970-01-01T00:00:00Z" "a received time before the epoch")
if(ERR MATCHES "unexpected error")
  message(FATAL_ERROR "an untyped error escaped: ${ERR}")
endif()
ticketctl(0 --help)
expect("${OUT}" "resolve" "help lists the commands")

# --templates: the notifications in the file's wording; a bad file refused naming the key.
ticketctl(0 --templates "${CMAKE_CURRENT_LIST_DIR}/../data/templates-en.json" open --customer C7 "Cannot log in")
expect("${ERR}" "notify \\[received\\] customer C7: Hello from Acme Support! Ticket 2024052" "the file's wording")
file(WRITE "${WORK_DIR}/bad-templates.json" "{\"closed\": \"Ticket {tikcet} closed\"}")
ticketctl(1 --templates "${WORK_DIR}/bad-templates.json" list)
expect("${ERR}" "templates\\.closed: unknown placeholder \\{tikcet\\}" "a typo in a template is refused at load")
ticketctl(2 --templates "${WORK_DIR}/missing.json" list)

message(STATUS "ticketctl session passed")
