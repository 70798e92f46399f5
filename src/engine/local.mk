## src/engine: backend interface, outbox, router, rules, IPC, sim.
src_libsmsinbox_la_SOURCES += src/engine/backend.h \
	src/engine/private.h \
	src/engine/engine.c src/engine/engine.h \
	src/engine/fold.c src/engine/fold.h \
	src/engine/health.c \
	src/engine/hooks.c src/engine/hooks.h \
	src/engine/inbound.c \
	src/engine/ipc.c src/engine/ipc.h \
	src/engine/lock.c src/engine/lock.h \
	src/engine/outbox.c \
	src/engine/router.c \
	src/engine/rulebook.c src/engine/rulebook.h \
	src/engine/sim.c src/engine/sim.h \
	src/engine/rules.c src/engine/rules.h \
	src/engine/template.c src/engine/template.h

check_PROGRAMS += tests/test-rules
tests_test_rules_SOURCES = tests/test-rules.c
tests_test_rules_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-engine-io
tests_test_engine_io_SOURCES = tests/test-engine-io.c
tests_test_engine_io_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-engine
tests_test_engine_SOURCES = tests/test-engine.c
tests_test_engine_LDADD = $(TEST_LIBS)

TESTS += tests/engine-cli.sh tests/engine-daemon.sh tests/engine-fault.sh \
	tests/engine-fault-provider.sh
EXTRA_DIST += tests/engine-cli.sh tests/engine-daemon.sh tests/engine-fault.sh \
	tests/engine-fault-provider.sh \
	tests/ipc-client.py

# Faults with the modem simulator (unplugs, kill -9), one per resend_policy.
TESTS += tests/engine-fault-modem.sh tests/engine-fault-modem-resend.sh
EXTRA_DIST += tests/engine-fault-modem.sh tests/engine-fault-modem-resend.sh
TESTS += tests/engine-failover.sh
EXTRA_DIST += tests/engine-failover.sh
