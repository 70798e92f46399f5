## doc: manual pages and design notes.
dist_man_MANS += doc/sms-inbox.1 doc/sms-send.1 doc/sms-inboxd.8 \
	doc/sms-inbox.conf.5
EXTRA_DIST += doc/internals doc/TESTPLAN
TESTS += tests/test-man-examples.sh
EXTRA_DIST += tests/test-man-examples.sh
TESTS += tests/test-man.sh tests/test-install.sh
EXTRA_DIST += tests/test-man.sh tests/test-install.sh
TESTS += tests/test-i18n.sh
EXTRA_DIST += tests/test-i18n.sh
