// SPDX-License-Identifier: GPL-2.0
/* Reading a crash workload's journal, and the records' bytes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "journal.h"

uint64_t journal_rand(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

void journal_payload(uint64_t op, uint32_t stream, uint32_t len, void *buf)
{
	uint8_t *p = buf;
	uint32_t head[4] = { PAYLOAD_MAGIC, (uint32_t)op, stream, len };
	uint64_t x = op * 0x9e3779b97f4a7c15ULL + 1;
	uint32_t i;

	memcpy(p, head, sizeof(head));
	for (i = sizeof(head); i < len; i++)
		p[i] = (uint8_t)journal_rand(&x);
}

static int cmp_op(const void *a, const void *b)
{
	const struct jop *x = a, *y = b;

	return x->op < y->op ? -1 : x->op > y->op;
}

int journal_load(struct journal *j, const char *path, size_t *bad_line)
{
	char line[512], kind;
	unsigned long long op, lsn, arg;
	unsigned int stream, len;
	size_t cap = 0, n = 0, k, lineno = 0;
	struct jop *ops = NULL, *grown;
	FILE *f;
	char *s;

	*bad_line = 0;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		s = strstr(line, JOURNAL_PREFIX);
		if (!s)
			continue;
		/* A console cut at a power cut may end on half a line. */
		if (!strchr(s, '\n') && feof(f))
			break;
		s += strlen(JOURNAL_PREFIX);
		if (sscanf(s, "%llu %c %u %llx %llx %u", &op, &kind, &stream, &lsn,
			   &arg, &len) != 6 || !strchr("CAFUVLRBTXPSOrbtxps", kind) ||
		    (journal_is_record(kind) && (len < PAYLOAD_MIN || len > PAYLOAD_MAX)))
			goto bad;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			grown = realloc(ops, cap * sizeof(*ops));
			if (!grown) {
				free(ops);
				fclose(f);
				return -ENOMEM;
			}
			ops = grown;
		}
		ops[n++] = (struct jop){ .op = op, .kind = toupper(kind), .stream = stream,
					 .lsn = lsn, .arg = arg, .len = len,
					 .mark = JOURNAL_NO_MARK, .intent_only = islower(kind) };
	}
	fclose(f);
	qsort(ops, n, sizeof(*ops), cmp_op);
	/* An op's result replaces its intent; nothing else may repeat. */
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && ops[k - 1].op == ops[i].op) {
			struct jop *a = &ops[k - 1], *b = &ops[i];

			if (a->kind != b->kind || a->intent_only == b->intent_only) {
				free(ops);
				*bad_line = 0;
				return -EINVAL;
			}
			if (a->intent_only)
				*a = *b;
			continue;
		}
		ops[k++] = ops[i];
	}
	j->ops = ops;
	j->nr = k;
	return 0;
bad:
	fclose(f);
	free(ops);
	*bad_line = lineno;
	return -EINVAL;
}

void journal_free(struct journal *j)
{
	free(j->ops);
	j->ops = NULL;
	j->nr = 0;
}

struct jop *journal_find(const struct journal *j, uint64_t op)
{
	struct jop key = { .op = op };

	return bsearch(&key, j->ops, j->nr, sizeof(*j->ops), cmp_op);
}
