## src/codec: GSM-7 / UCS-2, PDUs, segments, concatenation (pure logic).
src_libsmsinbox_la_SOURCES += \
	src/codec/concat.c src/codec/concat.h \
	src/codec/gsm7.c src/codec/gsm7.h src/codec/gsm7-lang.c \
	src/codec/pdu.c src/codec/pdu.h \
	src/codec/segment.c src/codec/segment.h \
	src/codec/ucs2.c src/codec/ucs2.h

check_PROGRAMS += tests/test-gsm7 tests/test-segment tests/test-pdu \
	tests/test-concat tests/test-pdu-corpus
tests_test_gsm7_SOURCES = tests/test-gsm7.c
tests_test_gsm7_LDADD = $(TEST_LIBS)
tests_test_segment_SOURCES = tests/test-segment.c
tests_test_segment_LDADD = $(TEST_LIBS)
tests_test_pdu_SOURCES = tests/test-pdu.c
tests_test_pdu_LDADD = $(TEST_LIBS)
tests_test_concat_SOURCES = tests/test-concat.c
tests_test_concat_LDADD = $(TEST_LIBS)
tests_test_pdu_corpus_SOURCES = tests/test-pdu-corpus.c
tests_test_pdu_corpus_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/data/pdu/README \
	tests/data/pdu/android.pdu \
	tests/data/pdu/bug-reports.pdu \
	tests/data/pdu/captures-forums.pdu \
	tests/data/pdu/captures-github.pdu \
	tests/data/pdu/frontlinesms.pdu \
	tests/data/pdu/gammu-at-sms.pdu \
	tests/data/pdu/libraries.pdu \
	tests/data/pdu/misc.pdu \
	tests/data/pdu/modemmanager.pdu \
	tests/data/pdu/nordic.pdu \
	tests/data/pdu/ofono.pdu \
	tests/data/pdu/python-gsmmodem.pdu \
	tests/data/pdu/python-messaging.pdu \
	tests/data/pdu/tutorials.pdu
