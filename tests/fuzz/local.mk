## Fuzz targets: what a stranger controls.  With --enable-fuzzing (CC=clang)
## they are libFuzzer programs (tests/fuzz/run.sh runs them all); otherwise
## make check runs them over their seeds under the same sanitizers.
FUZZ_TARGETS = tests/fuzz/pdu-fuzzer tests/fuzz/fuzz-at \
	tests/fuzz/fuzz-webhook tests/fuzz/fuzz-conf
if ENABLE_FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
FUZZ_REPLAY =
else
check_PROGRAMS += $(FUZZ_TARGETS)
FUZZ_REPLAY = tests/fuzz/replay.c
endif
FUZZ_LDADD = $(SMS_LIBS) $(FUZZ_LIBS)
tests_fuzz_pdu_fuzzer_SOURCES = tests/fuzz/pdu-fuzzer.c
tests_fuzz_pdu_fuzzer_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_at_SOURCES = tests/fuzz/fuzz-at.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_at_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_webhook_SOURCES = tests/fuzz/fuzz-webhook.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_webhook_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz-conf.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_conf_LDADD = $(FUZZ_LDADD)
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/fuzz.h tests/fuzz/replay.c \
	tests/data/conf/example.conf tests/data/conf/odd.conf \
	tests/data/conf/broken.conf \
	tests/data/webhook/README \
	tests/data/webhook/twilio-inbound.form \
	tests/data/webhook/twilio-status.form \
	tests/data/webhook/plivo-inbound.form \
	tests/data/webhook/plivo-status.form \
	tests/data/webhook/twilio-list.json \
	tests/data/webhook/twilio-send.json \
	tests/data/webhook/twilio-error.json \
	tests/data/webhook/twilio-401.json \
	tests/data/webhook/plivo-list.json \
	tests/data/webhook/plivo-send.json \
	tests/data/webhook/plivo-error.json
