/*
 * Codec throughput: PDU decodes per second (hex in, fields out, as the
 * modem backend does for every +CMT/+CMGL line) and segment calculations
 * per second (as a compose screen does on every key).  Prints figures;
 * never fails on a slow machine.  Target (DESIGN.md): >= 1,000,000
 * decodes/s.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/pdu.h"
#include "codec/segment.h"

/* A mix of real PDUs from tests/data/pdu. */
static const char *const pdus[] = {
	/* 160-septet GSM-7, DCS group F (ModemManager's test_pdu_dcsf1) */
	"07913306091093F0040485810000F111604231805180A049B7F90D9A1AA5A016"
	"68F8769BD3E4B29B9E2EB359A03FC85D06A9C3ED707A0EA2CBC3EE79BB4CA7CB"
	"CBA05643617DA7C76990FD4D979741EE77DD5E0ED741ED371D442E83E0E1F9BC"
	"0CD281E677D9B84C06C1DF7539E85C9097E520FB9B2E2F83C6EF369C5E064D8D"
	"52D0BC2E07DDEF77D7DC2C7799E5A0771D040FCB41F402BB0047BFDD6550B80E"
	"CAD966",
	/* short GSM-7 (oFono's test_simple_deliver) */
	"07911326040000F0040B911346610089F60000208062917314480CC8F71D1496"
	"9741F977FD07",
	/* UCS-2, alphanumeric sender (ModemManager's test_pdu2) */
	"07919730071111F10414D04937BD2C7797E9D3E6140008113092910240610804"
	"42043504410442",
	/* concatenated part with a UDH (ModemManager's test_pdu_multipart) */
	"07912160130320F6440B916171056429F5000021405291651569320500034C02"
	"02E9E8301D44479741F0B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0"
	"FB4D4797E52E10",
	/* status report (ModemManager's test_pdu_not_stored) */
	"07914356060013F1065A098136397339F7219011700463802190117004638030",
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bench_decode(void)
{
	enum { N = 2000000 };
	size_t i, npdu = sizeof pdus / sizeof pdus[0], lens[8], ok = 0;
	struct pdu_msg m;
	double t0, dt;

	for (i = 0; i < npdu; i++)
		lens[i] = strlen(pdus[i]);
	/* Check the mix decodes at all, so we time the real path. */
	for (i = 0; i < npdu; i++)
		if (pdu_decode_hex(pdus[i], lens[i], PDU_SMSC_AUTO, &m,
		    NULL) != 0) {
			fprintf(stderr, "bench-codec: PDU %zu does not decode\n",
			    i);
			exit(1);
		}
	t0 = now();
	for (i = 0; i < N; i++)
		ok += pdu_decode_hex(pdus[i % npdu], lens[i % npdu],
		    PDU_SMSC_PRESENT, &m, NULL) == 0;
	dt = now() - t0;
	printf("pdu decode (hex, SMSC given):  %10.0f PDUs/s  (%zu in "
	    "%.2f s, %.0f ns each)\n", N / dt, ok, dt, dt / N * 1e9);
	t0 = now();
	for (i = 0; i < N; i++)
		ok += pdu_decode_hex(pdus[i % npdu], lens[i % npdu],
		    PDU_SMSC_AUTO, &m, NULL) == 0;
	dt = now() - t0;
	printf("pdu decode (hex, SMSC guessed):%10.0f PDUs/s  (%.0f ns "
	    "each)\n", N / dt, dt / N * 1e9);
}

static void
bench_segments(void)
{
	static const char *const texts[] = {
		"Hi! Your table for 4 is booked for Friday 19:30. Reply STOP "
		"to opt out.",
		"Dear customer, your parcel 1Z999AA10123456784 will arrive "
		"tomorrow between 10:00 and 14:00. Track it at "
		"https://example.com/t/1Z999 or call us on +44 20 7946 0000. "
		"Thanks for shopping with us - the team",
		"Привет! Ваш код подтверждения: 493021. Никому его не "
		"сообщайте.",
		"See you soon 😀 “quoted” — ok…",
	};
	enum { N = 2000000 };
	size_t i, nt = sizeof texts / sizeof texts[0], lens[8], segs = 0;
	struct segment_info info;
	double t0, dt;

	for (i = 0; i < nt; i++)
		lens[i] = strlen(texts[i]);
	t0 = now();
	for (i = 0; i < N; i++)
		if (segment_calc(texts[i % nt], lens[i % nt], SEGMENT_SMART,
		    &info, NULL) == 0)
			segs += info.segments;
	dt = now() - t0;
	printf("segment calculation:           %10.0f texts/s (%zu "
	    "segments, %.0f ns each, texts of 40..200 bytes)\n", N / dt, segs,
	    dt / N * 1e9);
}

int
main(void)
{
	bench_decode();
	bench_segments();
	return 0;
}
