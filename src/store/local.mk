## src/store: schema, migrations, all SQL, full-text search, contacts.
src_libsmsinbox_la_SOURCES += \
	src/store/private.h \
	src/store/store.c src/store/store.h \
	src/store/schema.c src/store/schema.h \
	src/store/message.c src/store/message.h \
	src/store/thread.c src/store/thread.h \
	src/store/contact.c src/store/contact.h \
	src/store/contact-io.c src/store/contact-io.h \
	src/store/search.c src/store/search.h \
	src/store/fragment.c src/store/fragment.h \
	src/store/event.c src/store/event.h \
	src/store/outbox.c src/store/outbox.h \
	src/store/rule.c src/store/rule.h

check_PROGRAMS += tests/test-store
tests_test_store_SOURCES = tests/test-store.c
tests_test_store_LDADD = $(TEST_LIBS)

## The statistics view's figures (tui/view-stats.c).
src_libsmsinbox_la_SOURCES += src/store/stats.c src/store/stats.h
check_PROGRAMS += tests/test-store-stats
tests_test_store_stats_SOURCES = tests/test-store-stats.c
tests_test_store_stats_LDADD = $(TEST_LIBS)

## Four writer processes and one reader on one file for about 12 s.
check_PROGRAMS += tests/test-store-concurrency
tests_test_store_concurrency_SOURCES = tests/test-store-concurrency.c
tests_test_store_concurrency_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-contacts
tests_test_contacts_SOURCES = tests/test-contacts.c
tests_test_contacts_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/data/contacts
