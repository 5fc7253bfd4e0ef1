/* replay_main.c: runs a libFuzzer target over saved corpus files, for CI without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
	if (p == NULL || (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n)) {
		fclose(f);
		free(p);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(p, (size_t)n);
	free(p);
	return 0;
}

/* usage: replay SUITE DIR... — every regular file in each DIR is one input;
 * a crash aborts the process (the runner counts that as a failure). */
int
main(int argc, char **argv)
{
	int files = 0, bad = 0;
	for (int i = 2; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (d == NULL) {
			fprintf(stderr, "cannot open %s\n", argv[i]);
			bad++;
			continue;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[4096];
			struct stat st;
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
				continue;
			if (run_file(path) != 0)
				bad++;
			else
				files++;
		}
		closedir(d);
	}
	/* also the empty input */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	printf("%s: %d passed, %d failed\n", argc > 1 ? argv[1] : "fuzz", files + 1, bad);
	return bad || files == 0 ? 1 : 0;
}
