## data: example configuration and systemd units.
dist_pkgdata_DATA += data/config.example data/sms-inboxd.service \
	data/sms-inboxd.user.service
