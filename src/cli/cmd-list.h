/*
 * The subcommand table's entries, one line each, alphabetical.  Each
 * cmd-NAME.c defines `const struct cmd_entry cmd_NAME_entry`.
 */
#ifndef SMS_CLI_CMD_LIST_H
#define SMS_CLI_CMD_LIST_H

#include "cli/cmd.h"

extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_contacts_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_modem_entry;
extern const struct cmd_entry cmd_pdu_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_rules_entry;
extern const struct cmd_entry cmd_search_entry;
extern const struct cmd_entry cmd_segments_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_threads_entry;
extern const struct cmd_entry cmd_tui_entry;

#define CMD_LIST \
	&cmd_config_entry, \
	&cmd_contacts_entry, \
	&cmd_export_entry, \
	&cmd_modem_entry, \
	&cmd_pdu_entry, \
	&cmd_report_entry, \
	&cmd_rules_entry, \
	&cmd_search_entry, \
	&cmd_segments_entry, \
	&cmd_show_entry, \
	&cmd_status_entry, \
	&cmd_threads_entry, \
	&cmd_tui_entry,

#endif
