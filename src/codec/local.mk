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
	tests/data/pdu/frontlinesms.pdu \
	tests/data/pdu/gammu-at-sms.pdu \
	tests/data/pdu/libraries.pdu \
	tests/data/pdu/misc.pdu \
	tests/data/pdu/modemmanager.pdu \
	tests/data/pdu/ofono.pdu \
	tests/data/pdu/python-gsmmodem.pdu \
	tests/data/pdu/python-messaging.pdu \
	tests/data/pdu/tutorials.pdu

## The decoders' fuzz target: tests/fuzz/run.sh builds it with clang and
## runs it (CI: 60 s); --enable-fuzzing builds it here; otherwise make check
## replays the corpus and damaged copies of it through the same harness.
tests_fuzz_pdu_fuzzer_SOURCES = tests/fuzz/pdu-fuzzer.c
tests_fuzz_pdu_fuzzer_LDADD = $(SMS_LIBS)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/pdu-fuzzer
tests_fuzz_pdu_fuzzer_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer -DSMS_FUZZING
tests_fuzz_pdu_fuzzer_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
else
check_PROGRAMS += tests/fuzz/pdu-fuzzer
# Both branches set these: one left unset would drop AM_LDFLAGS.
tests_fuzz_pdu_fuzzer_CFLAGS = $(AM_CFLAGS)
tests_fuzz_pdu_fuzzer_LDFLAGS = $(AM_LDFLAGS)
endif
EXTRA_DIST += tests/fuzz/run.sh
