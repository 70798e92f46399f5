## src/util: strings, errors, logging, buffers, config, the loop seam.
src_libsmsinbox_la_SOURCES += \
	src/util/buf.c src/util/buf.h src/util/civil.h \
	src/util/conf.c src/util/conf.h \
	src/util/csv.c src/util/csv.h \
	src/util/err.c src/util/err.h \
	src/util/i18n.c src/util/i18n.h \
	src/util/log.c src/util/log.h \
	src/util/loop.c src/util/loop.h \
	src/util/msg.c src/util/msg.h \
	src/util/phone.c src/util/phone.h src/util/phone-impl.h \
	src/util/utf8.c src/util/utf8.h \
	src/util/xalloc.c src/util/xalloc.h

## libphonenumber through its C++ shim, else the trunk-prefix rule alone.
if HAVE_PHONENUMBER
src_libsmsinbox_la_SOURCES += src/util/phone-lpn.cc
## libtool drops -lstdc++ from a C++ convenience library's dependencies,
## and the programs link with the C compiler: name it for them.
SMS_LIBS += -lstdc++
else
src_libsmsinbox_la_SOURCES += src/util/phone-nolpn.c
endif
EXTRA_DIST += src/util/phone-lpn.cc src/util/phone-nolpn.c

check_PROGRAMS += tests/test-util tests/test-conf tests/test-phone \
	tests/test-utf8 tests/test-csv
tests_test_phone_SOURCES = tests/test-phone.c
tests_test_phone_LDADD = $(TEST_LIBS)
tests_test_util_SOURCES = tests/test-util.c
tests_test_util_LDADD = $(TEST_LIBS)
tests_test_conf_SOURCES = tests/test-conf.c
tests_test_conf_LDADD = $(TEST_LIBS)
tests_test_utf8_SOURCES = tests/test-utf8.c
tests_test_utf8_LDADD = $(TEST_LIBS)
tests_test_csv_SOURCES = tests/test-csv.c
tests_test_csv_LDADD = $(TEST_LIBS)
