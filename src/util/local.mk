## src/util: strings, errors, logging, buffers, config, the loop seam.
src_libsmsinbox_la_SOURCES += \
	src/util/buf.c src/util/buf.h \
	src/util/conf.c src/util/conf.h \
	src/util/err.c src/util/err.h \
	src/util/i18n.h \
	src/util/log.c src/util/log.h \
	src/util/loop.c src/util/loop.h \
	src/util/msg.c src/util/msg.h \
	src/util/xalloc.c src/util/xalloc.h

check_PROGRAMS += tests/test-util tests/test-conf
tests_test_util_SOURCES = tests/test-util.c
tests_test_util_LDADD = $(TEST_LIBS)
tests_test_conf_SOURCES = tests/test-conf.c
tests_test_conf_LDADD = $(TEST_LIBS)
