## src/provider: hosted SMS providers over libcurl, webhooks over
## libmicrohttpd.  http.c is the only libcurl user.
src_libsmsinbox_la_SOURCES += \
	src/provider/http.c src/provider/http.h \
	src/provider/plivo.c \
	src/provider/private.h \
	src/provider/provider.c src/provider/provider.h \
	src/provider/twilio.c \
	src/provider/webhook.c src/provider/webhook.h

check_PROGRAMS += tests/test-provider
tests_test_provider_SOURCES = tests/test-provider.c \
	tests/provider-harness.c tests/provider-harness.h
tests_test_provider_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/fakes/provider-fake.py

check_PROGRAMS += tests/test-provider-prism
tests_test_provider_prism_SOURCES = tests/test-provider-prism.c \
	tests/provider-harness.c tests/provider-harness.h
tests_test_provider_prism_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-provider-engine
tests_test_provider_engine_SOURCES = tests/test-provider-engine.c \
	tests/provider-harness.c tests/provider-harness.h
tests_test_provider_engine_LDADD = $(TEST_LIBS)

TESTS += tests/test-provider-send.sh
EXTRA_DIST += tests/test-provider-send.sh
