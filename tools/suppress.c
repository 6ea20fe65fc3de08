/* suppress.c - suppression files: lines `KIND:PATTERN`, `#` comments.
 *
 * KIND is a finding kind, an alias (deadlock, race, leak, misuse, thread)
 * or `*`; PATTERN is an fnmatch(3) glob tried against every frame of the
 * finding: its function, its source file (full and base name) and its
 * module (full and base name); for a data race, also against the data
 * symbol of its location and that symbol's module.  One match drops the
 * finding.  Files are loaded before anything runs, so a bad line fails
 * early, naming FILE:LINE.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

struct rule {
	unsigned kinds;		/* bit per enum kind */
	char *pattern;
};

struct suppressions {
	struct rule *v;
	size_t n;
};

static const struct {
	const char *name;
	unsigned kinds;
} aliases[] = {
	{ "deadlock", 1u << K_LOCK_ORDER | 1u << K_DEADLOCK },
	{ "race", 1u << K_DATA_RACE },
	{ "leak", 1u << K_LEAK },
	{ "misuse", 1u << K_MISUSE },
	{ "thread", 1u << K_THREAD_LEAK },
	{ "*", (1u << K_NKINDS) - 1 },
};

static unsigned kind_bits(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(s, aliases[i].name))
			return aliases[i].kinds;
	for (int k = 0; k < K_NKINDS; k++)
		if (!strcmp(s, kind_names[k]))
			return 1u << k;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_one(struct suppressions *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned num = 0;
	int err = 0;

	if (!f) {
		err = errno;
		fprintf(stderr, "deadbolt: error: suppressions %s: %s\n", path, strerror(err));
		return -err;
	}
	while (getline(&line, &cap, f) > 0) {
		char *l = trim(line), *colon, *kind, *pat;
		unsigned bits;

		num++;
		if (!*l || *l == '#')
			continue;
		colon = strchr(l, ':');
		if (!colon) {
			fprintf(stderr, "deadbolt: error: %s:%u: expected KIND:PATTERN, got "
				"'%s'\n", path, num, l);
			err = -EINVAL;
			break;
		}
		*colon = '\0';
		kind = trim(l);
		pat = trim(colon + 1);
		bits = kind_bits(kind);
		if (!bits) {
			fprintf(stderr, "deadbolt: error: %s:%u: unknown kind '%s' (a finding "
				"kind, deadlock, race, leak, misuse, thread or *)\n", path, num,
				kind);
			err = -EINVAL;
			break;
		}
		if (!*pat) {
			fprintf(stderr, "deadbolt: error: %s:%u: empty pattern\n", path, num);
			err = -EINVAL;
			break;
		}
		struct rule *v = realloc(s->v, (s->n + 1) * sizeof(*v));
		char *p = xstrdup(pat);
		if (!v || !p) {
			if (v)
				s->v = v;
			free(p);
			err = -ENOMEM;
			break;
		}
		s->v = v;
		s->v[s->n++] = (struct rule){ .kinds = bits, .pattern = p };
	}
	if (!err && ferror(f)) {
		err = errno ? -errno : -EIO;
		fprintf(stderr, "deadbolt: error: suppressions %s: %s\n", path, strerror(-err));
	}
	free(line);
	fclose(f);
	return err;
}

int supp_load(const char *const *paths, size_t n, struct suppressions **out)
{
	struct suppressions *s;
	int err = 0;

	*out = NULL;
	if (!n)
		return 0;
	s = xcalloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++)
		err = load_one(s, paths[i]);
	if (err) {
		supp_free(s);
		return err;
	}
	*out = s;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool glob(const char *pat, const char *s)
{
	return s && (fnmatch(pat, s, 0) == 0 || fnmatch(pat, base_name(s), 0) == 0);
}

struct match {
	const struct suppressions *s;
	unsigned bit;
	bool hit;
};

static void match_stack(const struct stack *st, void *arg)
{
	struct match *m = arg;

	for (size_t i = 0; i < st->nframes && !m->hit; i++) {
		const struct frame *f = &st->frames[i];
		for (size_t r = 0; r < m->s->n && !m->hit; r++) {
			const struct rule *ru = &m->s->v[r];
			if (!(ru->kinds & m->bit))
				continue;
			m->hit = (f->function && fnmatch(ru->pattern, f->function, 0) == 0) ||
				 glob(ru->pattern, f->file) ||
				 (f->mod && glob(ru->pattern, f->mod->path));
		}
	}
}

/* A data race on a global: its symbol (`race:counter`) and module. */
static bool match_location(const struct suppressions *s, const struct finding *f)
{
	const struct module *mod = f->ev->u.race->mod;
	const char *sym = f->u.race.symbol;

	if (f->ev->u.race->loc == DB_RACE_LOC_HEAP)
		return false;
	for (size_t r = 0; r < s->n; r++) {
		const struct rule *ru = &s->v[r];
		if (!(ru->kinds & 1u << K_DATA_RACE))
			continue;
		if ((sym && fnmatch(ru->pattern, sym, 0) == 0) ||
		    (mod && glob(ru->pattern, mod->path)))
			return true;
	}
	return false;
}

bool supp_match(const struct suppressions *s, const struct finding *f)
{
	struct match m = { .s = s, .bit = 1u << f->kind };

	if (!s)
		return false;
	if (f->kind == K_DATA_RACE && match_location(s, f))
		return true;
	finding_stacks(f, match_stack, &m);
	return m.hit;
}

void supp_free(struct suppressions *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].pattern);
	free(s->v);
	free(s);
}
