#!/bin/sh
# tests/engine-fault-modem.sh with resend_policy = at-least-once.
FAULT_POLICY=at-least-once
. "$top_srcdir/tests/engine-fault-modem.sh"
