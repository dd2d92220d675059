/*
 * gen.c - the hostile-input generator (issue 12 item 7).
 *
 *   hostile-gen REPO OUTDIR
 *
 * Writes hostile scenario and trace files into OUTDIR, one per case, named
 * after what was done to them (the names are stable: tests/cli/hostile.sh
 * and tests/hostile/pending-loader-ranges.txt refer to them), and prints
 * their names, one a line.  Everything is derived deterministically from
 * the shipped scenarios and traces under REPO, shortened so that a file the
 * loader accepts runs in well under a second:
 *
 *   num-*    every numeric value of each base scenario set to two values
 *            from a list of bounds and beyond (0, -1, 1e-320, 1e-7, 2^31-1,
 *            2^53 + 1, 1e13, 1e308, ...), chosen in rotation per key;
 *   str-*    every string value with a control character, a comma and a
 *            quote, or a newline in it;
 *   ref-*    every value naming another object (target, spillover,
 *            backends, region, model) pointed at a name that does not exist;
 *   dmg-*    generic JSON damage: truncations, a byte flipped, nesting bombs,
 *            duplicate keys, a NUL byte, invalid UTF-8;
 *   case-*   the reproducers of issue 12, each a few values set on the
 *            quickstart (faults past int64 microseconds, latency and model
 *            figures of 1e308 or 1e-320, estimates that overflow, ...);
 *   trace-*  a replay scenario over a damaged trace: a line past the length
 *            limit, a NUL, time going backwards, huge and negative counts,
 *            duplicate keys, a blank first line, no rows.
 *
 * Cost: a few hundred small files; no randomness beyond a fixed-seed LCG.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_PATH_MAX    4096
#define GEN_SHORT_S     120 /* every base runs this long, warm-up 0 */
#define GEN_BUCKET_S    10
#define GEN_VALUES_PER  2 /* values tried per numeric key */
#define GEN_TRUNCATIONS 12
#define GEN_FLIPS       16
#define GEN_NEST_DEPTH  100000
#define GEN_TRACE_ROWS  40
#define GEN_LONG_LINE   (1 << 17)
#define GEN_LCG_MUL     6364136223846793005ULL
#define GEN_LCG_ADD     1442695040888963407ULL
#define GEN_LCG_SEED    12345ULL

static const char *const bases[] = {"quickstart",          "ptu-spillover", "seed-prod-staging",
                                    "seed-skill-deadline", "job-batch-20k", "retry-policies"};
#define N_BASES (sizeof bases / sizeof bases[0])

/* Numbers at and beyond every plausible bound, as JSON text. */
static const char *const values[] = {
    "0",     "-1",     "1e-320", "1e-7", "2147483647", "9007199254740993", "1e13",
    "1e308", "-1e308", "0.5",    "1e16", "4294967296", "-2147483648",      "123456789.123"};
#define N_VALUES (sizeof values / sizeof values[0])

/* Keys whose string value names another object. */
static const char *const ref_keys[] = {"target", "spillover", "region", "model", "router"};
#define N_REF_KEYS (sizeof ref_keys / sizeof ref_keys[0])

static const char *const bad_strings[][2] = {
    {"ctl", "a\001b"}, {"csv", "x,\"y\""}, {"nl", "two\nlines"}, {"empty", ""}};
#define N_BAD_STRINGS (sizeof bad_strings / sizeof bad_strings[0])

static const char *outdir;
static unsigned long long lcg = GEN_LCG_SEED;

static unsigned long long next_rand(void)
{
	lcg = lcg * GEN_LCG_MUL + GEN_LCG_ADD;
	return lcg >> 33;
}

static void write_bytes(const char *name, const char *text, size_t len)
{
	char path[GEN_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "hostile-gen: cannot write %s\n", path);
		exit(1);
	}
	printf("%s\n", name);
}

static void write_doc(const char *name, const cJSON *doc)
{
	char *text = cJSON_Print(doc);
	if (!text) {
		fprintf(stderr, "hostile-gen: out of memory\n");
		exit(1);
	}
	write_bytes(name, text, strlen(text));
	free(text);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "hostile-gen: cannot read %s\n", path);
		exit(1);
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf)
		exit(1);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* A name safe in a file name: the path with '.' for separators. */
static void slug(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	for (; *src && n + 1 < len; src++) {
		char c = *src;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '-';
		dst[n++] = ok ? c : '.';
	}
	dst[n] = '\0';
}

/* doc.key = v where the base has the key (a key it lacks keeps its
 * default, and the number is not leaked). */
static void replace_number(cJSON *doc, const char *key, double v)
{
	if (!cJSON_GetObjectItemCaseSensitive(doc, key))
		return;
	cJSON *n = cJSON_CreateNumber(v);
	if (n && !cJSON_ReplaceItemInObjectCaseSensitive(doc, key, n))
		cJSON_Delete(n);
}

/* Shorten a base so that it runs in a moment. */
static void shorten(cJSON *doc)
{
	replace_number(doc, "duration_s", GEN_SHORT_S);
	replace_number(doc, "warmup_s", 0);
	replace_number(doc, "bucket_s", GEN_BUCKET_S);
}

typedef void (*leaf_fn)(cJSON *root, cJSON *leaf, const char *path, const char *base,
                        size_t *counter);

static void walk(cJSON *root, cJSON *node, const char *path, const char *base, leaf_fn fn,
                 size_t *counter)
{
	size_t i = 0;
	for (cJSON *c = node->child; c; c = c->next, i++) {
		char sub[GEN_PATH_MAX];
		if (cJSON_IsArray(node))
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		else
			snprintf(sub, sizeof sub, "%s.%s", path, c->string);
		if (c->child)
			walk(root, c, sub, base, fn, counter);
		else
			fn(root, c, sub, base, counter);
	}
}

/* Replace leaf's value by `json` text (parsed), write, restore. */
static void with_value(cJSON *root, cJSON *leaf, const char *json, const char *name)
{
	cJSON saved = *leaf;
	cJSON *v = cJSON_Parse(json);
	if (!v)
		return;
	leaf->type = v->type;
	leaf->valuedouble = v->valuedouble;
	leaf->valueint = v->valueint;
	leaf->valuestring = v->valuestring;
	write_doc(name, root);
	leaf->type = saved.type;
	leaf->valuedouble = saved.valuedouble;
	leaf->valueint = saved.valueint;
	leaf->valuestring = saved.valuestring;
	cJSON_Delete(v);
}

static void numeric_leaf(cJSON *root, cJSON *leaf, const char *path, const char *base,
                         size_t *counter)
{
	if (!cJSON_IsNumber(leaf))
		return;
	char sp[GEN_PATH_MAX], name[GEN_PATH_MAX + 256];
	slug(sp, sizeof sp, path);
	for (size_t j = 0; j < GEN_VALUES_PER; j++) {
		const char *v = values[(*counter * GEN_VALUES_PER + j) % N_VALUES];
		char vs[64];
		slug(vs, sizeof vs, v);
		snprintf(name, sizeof name, "num-%s%s=%s.json", base, sp, vs);
		with_value(root, leaf, v, name);
	}
	(*counter)++;
}

static void string_leaf(cJSON *root, cJSON *leaf, const char *path, const char *base,
                        size_t *counter)
{
	if (!cJSON_IsString(leaf) || (leaf->string && leaf->string[0] == '$'))
		return;
	char sp[GEN_PATH_MAX], name[GEN_PATH_MAX + 256];
	slug(sp, sizeof sp, path);
	const char *key = leaf->string ? leaf->string : "";
	bool is_ref = false;
	for (size_t k = 0; k < N_REF_KEYS; k++)
		is_ref = is_ref || !strcmp(key, ref_keys[k]);
	if (is_ref || strstr(path, "backends[")) {
		snprintf(name, sizeof name, "ref-%s%s.json", base, sp);
		with_value(root, leaf, "\"no-such-thing\"", name);
	}
	const char *bad = bad_strings[*counter % N_BAD_STRINGS][1];
	cJSON *js = cJSON_CreateString(bad);
	char *text = cJSON_PrintUnformatted(js);
	snprintf(name, sizeof name, "str-%s%s=%s.json", base, sp,
	         bad_strings[*counter % N_BAD_STRINGS][0]);
	with_value(root, leaf, text, name);
	free(text);
	cJSON_Delete(js);
	(*counter)++;
}

static void damage(const char *base, const char *text)
{
	size_t len = strlen(text);
	char name[GEN_PATH_MAX];
	for (size_t k = 1; k <= GEN_TRUNCATIONS; k++) {
		snprintf(name, sizeof name, "dmg-%s-cut%zu.json", base, k);
		write_bytes(name, text, len * k / (GEN_TRUNCATIONS + 1));
	}
	char *copy = malloc(len + 1);
	for (size_t k = 0; copy && k < GEN_FLIPS; k++) {
		memcpy(copy, text, len + 1);
		size_t at = (size_t)(next_rand() % len);
		copy[at] = (char)(copy[at] ^ (1 << (next_rand() % 8)));
		snprintf(name, sizeof name, "dmg-%s-flip%zu.json", base, k);
		write_bytes(name, copy, len);
	}
	free(copy);
}

static void generic_damage(void)
{
	size_t n = GEN_NEST_DEPTH;
	char *bomb = malloc(2 * n + 1);
	if (!bomb)
		exit(1);
	memset(bomb, '[', n);
	memset(bomb + n, ']', n);
	write_bytes("dmg-nest-arrays.json", bomb, 2 * n);
	for (size_t i = 0; i < n; i++)
		bomb[i] = i % 2 ? ':' : '{';
	write_bytes("dmg-nest-objects.json", bomb, n);
	free(bomb);
	static const char *const small[][2] = {
	    {"dmg-empty.json", ""},
	    {"dmg-null.json", "null"},
	    {"dmg-array.json", "[]"},
	    {"dmg-string.json", "\"x\""},
	    {"dmg-dupkey.json", "{\"name\": \"a\", \"name\": \"b\", \"duration_s\": 10}"},
	    {"dmg-bad-utf8.json", "{\"name\": \"\xff\xfe\"}"},
	    {"dmg-trailing.json", "{\"name\": \"a\"} {}"},
	    {"dmg-huge-number.json", "{\"name\": \"a\", \"duration_s\": 1e999}"},
	    {"dmg-nan.json", "{\"name\": \"a\", \"duration_s\": NaN}"},
	};
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
		write_bytes(small[i][0], small[i][1], strlen(small[i][1]));
	write_bytes("dmg-nul.json", "{\"name\": \"a\0b\"}", 15);
}

/* A replay scenario over OUTDIR/NAME.csv|jsonl, written beside it. */
static void trace_case(const char *name, const char *ext, const char *body, size_t len)
{
	char file[GEN_PATH_MAX], scen[GEN_PATH_MAX * 2], sname[GEN_PATH_MAX];
	snprintf(file, sizeof file, "%s.%s", name, ext);
	write_bytes(file, body, len);
	snprintf(scen, sizeof scen,
	         "{\"name\": \"%s\", \"duration_s\": 60, \"warmup_s\": 0, \"bucket_s\": 10,"
	         " \"deployments\": [{\"name\": \"d\", \"region\": \"eastus\", \"model\": "
	         "\"gpt-4o\", \"tpm\": 150000}],"
	         " \"clients\": [{\"name\": \"c\", \"target\": \"d\", \"arrival\": "
	         "{\"process\": \"trace\", \"file\": \"%s\"}}]}",
	         name, file);
	snprintf(sname, sizeof sname, "%s.json", name);
	write_bytes(sname, scen, strlen(scen));
}

static void trace_damage(void)
{
	static const char burst[] = "Timestamp,Model,Request tokens,Response tokens,Total tokens,"
	                            "Log Type\n";
	char buf[1 << 14];
	size_t n = 0;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", burst);
	for (int i = 0; i < GEN_TRACE_ROWS; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      "%d,ChatGPT,%d,%d,%d,Conversation log\n", i, 100 + i, 20 + i,
		                      120 + 2 * i);
	trace_case("trace-ok", "csv", buf, n);
	static const char *const cases[][3] = {
	    {"trace-backwards", "csv",
	     "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	     "5,ChatGPT,1,1,2,Conversation log\n4,ChatGPT,1,1,2,Conversation log\n"},
	    {"trace-huge-count", "csv",
	     "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	     "0,ChatGPT,99999999999999999999,1,1,Conversation log\n"},
	    {"trace-negative", "csv",
	     "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	     "0,ChatGPT,-5,1,1,Conversation log\n"},
	    {"trace-huge-time", "csv",
	     "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	     "0,ChatGPT,1,1,2,Conversation log\n"
	     "99999999999999999999,ChatGPT,1,1,2,Conversation log\n"},
	    {"trace-far-time", "csv",
	     "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	     "0,ChatGPT,1,1,2,Conversation log\n"
	     "9000000000000,ChatGPT,1,1,2,Conversation log\n"},
	    {"trace-header-only", "csv",
	     "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"},
	    {"trace-empty", "csv", ""},
	    {"trace-bad-header", "csv", "a,b,c\n1,2,3\n"},
	    {"trace-jsonl-dup", "jsonl",
	     "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2, \"timestamp\": 9}\n"},
	    {"trace-jsonl-blank-first", "jsonl",
	     "\n{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2}\n"},
	    {"trace-jsonl-bad", "jsonl", "{\"timestamp\": 0, \"input_length\": 1,\n"},
	    {"trace-jsonl-huge-ts", "jsonl",
	     "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2}\n"
	     "{\"timestamp\": 9007199254740992, \"input_length\": 1, \"output_length\": 2}\n"},
	    {"trace-jsonl-float", "jsonl",
	     "{\"timestamp\": 1e308, \"input_length\": 1, \"output_length\": 2}\n"},
	    {"trace-azure-bad-date", "csv",
	     "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-30 00:00:00.0,1,1\n"},
	    {"trace-ctl-header", "csv", "Time\001stamp,\n1\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		trace_case(cases[i][0], cases[i][1], cases[i][2], strlen(cases[i][2]));
	char *big = malloc(GEN_LONG_LINE + 256);
	if (!big)
		exit(1);
	n = (size_t)snprintf(big, 256, "%s0,ChatGPT,1,1,2,", burst);
	memset(big + n, 'x', GEN_LONG_LINE);
	n += GEN_LONG_LINE;
	big[n++] = '\n';
	trace_case("trace-long-line", "csv", big, n);
	memset(big, '{', GEN_LONG_LINE);
	trace_case("trace-no-newline", "jsonl", big, GEN_LONG_LINE);
	free(big);
	trace_case("trace-nul", "csv",
	           "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	           "0,Chat\0GPT,1,1,2,Conversation log\n",
	           sizeof "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
	                  "0,Chat\0GPT,1,1,2,Conversation log\n" -
	               1);
}

/* The object at a path like "clients[0].max_tokens" under root, created
 * (as an object) where missing; NULL when an index does not exist. */
static cJSON *at_path(cJSON *root, const char *path)
{
	char buf[GEN_PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	cJSON *node = root;
	for (char *tok = strtok(buf, "."); node && tok; tok = strtok(NULL, ".")) {
		char *br = strchr(tok, '[');
		if (br)
			*br = '\0';
		cJSON *next = cJSON_GetObjectItemCaseSensitive(node, tok);
		if (!next)
			next = cJSON_AddObjectToObject(node, tok);
		node = br ? cJSON_GetArrayItem(next, atoi(br + 1)) : next;
	}
	return node;
}

/* Issue 12's reproducers: NAME, then up to three PATH=JSON settings. */
static const char *const cases[][4] = {
    {"case-fault-end-2p53",
     "faults=[{\"kind\":\"down\",\"deployment\":\"eastus-gpt-4o\",\"start_s\":10,"
     "\"end_s\":9007199254740992}]"},
    {"case-fault-error-ms-1e16",
     "faults=[{\"kind\":\"down\",\"deployment\":\"eastus-gpt-4o\",\"start_s\":10,"
     "\"end_s\":60,\"error_ms\":1e16}]"},
    {"case-fault-latency-1e308",
     "faults=[{\"kind\":\"latency\",\"deployment\":\"eastus-gpt-4o\",\"start_s\":10,"
     "\"end_s\":60,\"scale\":1e308}]"},
    {"case-fault-degrade-1e-320",
     "faults=[{\"kind\":\"degrade\",\"deployment\":\"eastus-gpt-4o\",\"start_s\":10,"
     "\"end_s\":60,\"scale\":1e-320}]"},
    {"case-rtt-1e16", "deployments[0].rtt_ms=1e16"},
    {"case-client-rtt-1e16", "clients[0].rtt_ms=1e16"},
    {"case-estimate-factor-2p53", "deployments[0].prompt_estimate_factor=9007199254740992"},
    {"case-best-of-overflow", "clients[0].best_of=2147483647",
     "clients[0].max_tokens={\"policy\":\"fixed\",\"value\":9007199254740992}"},
    {"case-sigma-2p31", "clients[0].prompt_tokens.sigma=2147483648"},
    {"case-output-sigma-1e308", "clients[0].output_tokens.sigma=1e308"},
    {"case-model-tokens-per-s-1e-320",
     "models={\"slow\":{\"base\":\"gpt-4o\",\"tokens_per_s\":1e-320}}",
     "deployments[0].model=\"slow\""},
    {"case-model-rtt-1e308", "models={\"far\":{\"base\":\"gpt-4o\",\"rtt_ms\":1e308}}",
     "deployments[0].model=\"far\""},
    {"case-bucket-1e-7", "bucket_s=1e-7"},
    {"case-bucket-1e13", "bucket_s=1e13"},
    {"case-retry-delay-1e16", "clients[0].retry.delay_s=1e16"},
    {"case-onoff-1e-300", "clients[0].arrival={\"process\":\"onoff\",\"rate_on\":5,\"rate_off\":0,"
                          "\"on_s\":1e-300,\"off_s\":1e-300}"},
};

static void reproducers(const char *repo)
{
	char path[GEN_PATH_MAX];
	snprintf(path, sizeof path, "%s/scenarios/quickstart.json", repo);
	size_t len;
	char *text = read_all(path, &len);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		cJSON *doc = cJSON_Parse(text);
		if (!doc)
			exit(1);
		shorten(doc);
		for (int k = 1; k < 4 && cases[c][k]; k++) {
			char setting[GEN_PATH_MAX];
			snprintf(setting, sizeof setting, "%s", cases[c][k]);
			char *eq = strchr(setting, '=');
			*eq = '\0';
			char *key = strrchr(setting, '.');
			cJSON *parent = key ? (*key = '\0', at_path(doc, setting)) : doc;
			const char *name = key ? key + 1 : setting;
			cJSON *v = cJSON_Parse(eq + 1);
			if (!parent || !v) {
				fprintf(stderr, "hostile-gen: bad case %s\n", cases[c][0]);
				exit(1);
			}
			if (cJSON_GetObjectItemCaseSensitive(parent, name))
				cJSON_ReplaceItemInObjectCaseSensitive(parent, name, v);
			else
				cJSON_AddItemToObject(parent, name, v);
		}
		char file[GEN_PATH_MAX];
		snprintf(file, sizeof file, "%s.json", cases[c][0]);
		write_doc(file, doc);
		cJSON_Delete(doc);
	}
	free(text);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: hostile-gen REPO OUTDIR\n");
		return 2;
	}
	outdir = argv[2];
	for (size_t b = 0; b < N_BASES; b++) {
		char path[GEN_PATH_MAX];
		snprintf(path, sizeof path, "%s/scenarios/%s.json", argv[1], bases[b]);
		size_t len;
		char *text = read_all(path, &len);
		cJSON *doc = cJSON_Parse(text);
		if (!doc) {
			fprintf(stderr, "hostile-gen: %s is not JSON\n", path);
			return 1;
		}
		shorten(doc);
		char *short_text = cJSON_Print(doc);
		damage(bases[b], short_text);
		free(short_text);
		size_t counter = b; /* rotate the values differently per base */
		walk(doc, doc, "", bases[b], numeric_leaf, &counter);
		walk(doc, doc, "", bases[b], string_leaf, &counter);
		cJSON_Delete(doc);
		free(text);
	}
	generic_damage();
	reproducers(argv[1]);
	trace_damage();
	return 0;
}
