/*
 * main() for a fuzz target outside libFuzzer: feed it each file named on
 * the command line, or each file of its seed folder under $top_srcdir,
 * whole and cut short at every 7th byte (where parsers meet their end of
 * input).  Exit status 0 when at least one input ran.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int
replay(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f;
	size_t n, cut;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	for (cut = 0; cut < n; cut += 7)
		LLVMFuzzerTestOneInput(buf, cut);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *src = getenv("top_srcdir");
	char dir[1024], path[2048];
	struct dirent *de;
	int i, rc = 0, count = 0;
	DIR *d;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			rc |= replay(argv[i]);
		return rc;
	}
	snprintf(dir, sizeof dir, "%s/%s", src ? src : ".", fuzz_seed_dir);
	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		rc |= replay(path);
		count++;
	}
	closedir(d);
	printf("replayed %d inputs from %s\n", count, fuzz_seed_dir);
	return rc != 0 || count == 0;
}
