## data: example configuration and systemd units.
dist_pkgdata_DATA += data/config.example

# systemd units, with the install paths filled in at build time; they go
# under $(prefix) so `make distcheck` and DESTDIR installs stay contained.
systemdsystemunitdir = $(prefix)/lib/systemd/system
systemduserunitdir = $(prefix)/lib/systemd/user
systemdsystemunit_DATA = data/sms-inboxd.service
systemduserunit_DATA = data/user/sms-inboxd.service
EXTRA_DIST += data/sms-inboxd.service.in data/sms-inboxd.user.service.in
CLEANFILES += data/sms-inboxd.service data/user/sms-inboxd.service

data_edit = sed -e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g'

data/sms-inboxd.service: $(srcdir)/data/sms-inboxd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && $(data_edit) $(srcdir)/data/sms-inboxd.service.in > $@
data/user/sms-inboxd.service: $(srcdir)/data/sms-inboxd.user.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data/user && $(data_edit) $(srcdir)/data/sms-inboxd.user.service.in > $@
