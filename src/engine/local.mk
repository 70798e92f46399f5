## src/engine: backend interface, outbox, router, rules, IPC, sim.
src_libsmsinbox_la_SOURCES += src/engine/backend.h \
	src/engine/fold.c src/engine/fold.h \
	src/engine/rules.c src/engine/rules.h \
	src/engine/template.c src/engine/template.h

check_PROGRAMS += tests/test-rules
tests_test_rules_SOURCES = tests/test-rules.c
tests_test_rules_LDADD = $(TEST_LIBS)
