/*
 * test_overrides.c - `--set PATH=VALUE` on a JSON tree: paths, values, and
 * the exact message of each malformed or missing path (the tree must then
 * be unchanged).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/overrides.h"

static const char *const doc =
    "{ \"name\": \"x\", \"seed\": 1,"
    "  \"models\": { \"gpt-4.1\": { \"output_ratio\": 4 } },"
    "  \"clients\": [ { \"name\": \"a\", \"arrival\": { \"rate_rps\": 2 } },"
    "                 { \"name\": \"b\" } ] }";

/* The tree as compact text, for whole-tree comparisons (static buffer). */
static const char *text_of(const cJSON *root)
{
	static char buf[1024];
	char *s = cJSON_PrintUnformatted(root);
	snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
	free(s);
	return buf;
}

/* Apply one assignment to a fresh copy of doc; returns the new tree's text,
 * or the error status and message. */
static rs_status apply(const char *set, char *out, size_t size)
{
	cJSON *root = cJSON_Parse(doc);
	rs_error err = {0};
	rs_status st = rs_overrides_apply(root, set, &err);
	snprintf(out, size, "%s", st == RS_OK ? text_of(root) : err.msg);
	if (st != RS_OK) {
		/* a failed assignment leaves the tree as it was */
		cJSON *orig = cJSON_Parse(doc);
		CHECK(cJSON_Compare(root, orig, true));
		cJSON_Delete(orig);
		CHECK_I64(err.status, st);
	}
	cJSON_Delete(root);
	return st;
}

static double rate_of(const cJSON *root)
{
	const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "clients"), 0);
	const cJSON *rate = cJSON_GetObjectItem(cJSON_GetObjectItem(c0, "arrival"), "rate_rps");
	return cJSON_IsNumber(rate) ? rate->valuedouble : -1;
}

static void test_set_nested_number(void)
{
	cJSON *root = cJSON_Parse(doc);
	rs_error err = {0};
	CHECK_I64(rs_overrides_apply(root, "clients[0].arrival.rate_rps=20", &err), RS_OK);
	CHECK_NEAR(rate_of(root), 20, 0);
	/* a leading '.' is the same path */
	CHECK_I64(rs_overrides_apply(root, ".clients[0].arrival.rate_rps=0.5", &err), RS_OK);
	CHECK_NEAR(rate_of(root), 0.5, 0);
	cJSON_Delete(root);

	char out[1024];
	CHECK_I64(apply("seed=7", out, sizeof out), RS_OK);
	CHECK_STR(out, "{\"name\":\"x\",\"seed\":7,\"models\":{\"gpt-4.1\":{\"output_ratio\":4}},"
	               "\"clients\":[{\"name\":\"a\",\"arrival\":{\"rate_rps\":2}},"
	               "{\"name\":\"b\"}]}");
	/* replace a whole array element */
	CHECK_I64(apply("clients[1]={\"name\":\"c\"}", out, sizeof out), RS_OK);
	CHECK_STR(out, "{\"name\":\"x\",\"seed\":1,\"models\":{\"gpt-4.1\":{\"output_ratio\":4}},"
	               "\"clients\":[{\"name\":\"a\",\"arrival\":{\"rate_rps\":2}},"
	               "{\"name\":\"c\"}]}");
	/* a quoted key holds a dot */
	CHECK_I64(apply("models[\"gpt-4.1\"].output_ratio=8", out, sizeof out), RS_OK);
	CHECK(strstr(out, "\"gpt-4.1\":{\"output_ratio\":8}") != NULL);
}

static void test_add_key(void)
{
	char out[1024];
	CHECK_I64(apply("clients[1].rtt_ms=5", out, sizeof out), RS_OK);
	CHECK(strstr(out, "{\"name\":\"b\",\"rtt_ms\":5}") != NULL);
	CHECK_I64(apply("warmup_s=60", out, sizeof out), RS_OK);
	CHECK(strstr(out, ",\"warmup_s\":60}") != NULL);
}

static void test_value_string_or_json(void)
{
	char out[1024];
	CHECK_I64(apply("name=my run", out, sizeof out), RS_OK); /* not JSON: a string */
	CHECK(strstr(out, "\"name\":\"my run\"") != NULL);
	CHECK_I64(apply("name=\"7\"", out, sizeof out), RS_OK); /* JSON string */
	CHECK(strstr(out, "\"name\":\"7\"") != NULL);
	CHECK_I64(apply("name=7", out, sizeof out), RS_OK); /* JSON number */
	CHECK(strstr(out, "\"name\":7") != NULL);
	CHECK_I64(apply("name=true", out, sizeof out), RS_OK);
	CHECK(strstr(out, "\"name\":true") != NULL);
	CHECK_I64(apply("name=[1,2", out, sizeof out), RS_OK); /* broken JSON: a string */
	CHECK(strstr(out, "\"name\":\"[1,2\"") != NULL);
	CHECK_I64(apply("name=", out, sizeof out), RS_OK);
	CHECK(strstr(out, "\"name\":\"\"") != NULL);
	CHECK_I64(apply("name=a=b", out, sizeof out), RS_OK); /* the first '=' splits */
	CHECK(strstr(out, "\"name\":\"a=b\"") != NULL);
	CHECK_I64(apply("clients[0].arrival={\"process\":\"constant\"}", out, sizeof out), RS_OK);
	CHECK(strstr(out, "\"arrival\":{\"process\":\"constant\"}") != NULL);
}

static void test_bad_paths(void)
{
	char out[1024];
	CHECK_I64(apply("foo", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set foo: expected PATH=VALUE");
	CHECK_I64(apply("=3", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set =3: expected PATH=VALUE (the path is empty)");
	CHECK_I64(apply("foo.bar=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set foo.bar=1: .foo: no such key");
	CHECK_I64(apply("clients[9].x=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set clients[9].x=1: .clients[9]: no such element "
	               "(.clients has 2 elements)");
	CHECK_I64(apply("clients[2]=1", out, sizeof out), RS_ERR_USAGE); /* no growing */
	CHECK_STR(out, "--set clients[2]=1: .clients[2]: no such element "
	               "(.clients has 2 elements)");
	CHECK_I64(apply("a..b=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set a..b=1: malformed path at column 3: expected a key");
	CHECK_I64(apply("clients[x]=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set clients[x]=1: malformed path at column 9: expected an index or a "
	               "quoted key after '['");
	CHECK_I64(apply("clients[0=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set clients[0=1: malformed path at column 10: expected ']'");
	CHECK_I64(apply("name[0]=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set name[0]=1: .name: not an array, so [0] does not apply");
	CHECK_I64(apply("seed.x=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set seed.x=1: .seed: not an object, so a key does not apply");
	CHECK_I64(apply("[0]=1", out, sizeof out), RS_ERR_USAGE);
	CHECK_STR(out, "--set [0]=1: .: not an array, so [0] does not apply");
}

static void test_path_format(void)
{
	char p[64] = "";
	rs_overrides_path_key(p, sizeof p, "clients");
	rs_overrides_path_index(p, sizeof p, 2);
	rs_overrides_path_key(p, sizeof p, "rate_rps");
	CHECK_STR(p, ".clients[2].rate_rps");
	p[0] = '\0';
	rs_overrides_path_key(p, sizeof p, "models");
	rs_overrides_path_key(p, sizeof p, "gpt-4.1");
	rs_overrides_path_key(p, sizeof p, "a\"b");
	CHECK_STR(p, ".models[\"gpt-4.1\"][\"a\\\"b\"]");
	char small[8] = "";
	rs_overrides_path_key(small, sizeof small, "abcdefghij"); /* truncated, terminated */
	CHECK_STR(small, ".abcdef");

	/* a printed path is a path --set takes back */
	cJSON *root = cJSON_Parse("{\"models\":{\"a\\\"b\":{\"x\":1}}}");
	rs_error err = {0};
	CHECK_I64(rs_overrides_apply(root, "models[\"a\\\"b\"].x=2", &err), RS_OK);
	CHECK_STR(text_of(root), "{\"models\":{\"a\\\"b\":{\"x\":2}}}");
	cJSON_Delete(root);
}

/* The objects of routers, faults and the network matrix are reached like any
 * other: nested arrays, keys added to an element, a whole array replaced. */
static void test_nested_new_objects(void)
{
	const char *text = "{\"routers\":[{\"name\":\"r\",\"backends\":[{\"target\":\"a\"},"
	                   "{\"target\":\"b\"}]}],\"faults\":[{\"kind\":\"down\"}],"
	                   "\"network\":{\"rtt_ms\":{\"tokyo\":{\"eastus\":160}}}}";
	cJSON *root = cJSON_Parse(text);
	rs_error err = {0};
	CHECK_I64(rs_overrides_apply(root, "routers[0].backends[1].weight=2.5", &err), RS_OK);
	CHECK_I64(rs_overrides_apply(root, "network.rtt_ms.tokyo.eastus=90", &err), RS_OK);
	CHECK_I64(rs_overrides_apply(root, "network.rtt_ms.tokyo.westus=120", &err), RS_OK);
	CHECK_I64(rs_overrides_apply(root, "faults=[]", &err), RS_OK);
	CHECK_STR(text_of(root), "{\"routers\":[{\"name\":\"r\",\"backends\":"
	                         "[{\"target\":\"a\"},{\"target\":\"b\",\"weight\":2.5}]}],"
	                         "\"faults\":[],"
	                         "\"network\":{\"rtt_ms\":{\"tokyo\":{\"eastus\":90,"
	                         "\"westus\":120}}}}");
	CHECK_I64(rs_overrides_apply(root, "routers[0].backends[2].weight=1", &err), RS_ERR_USAGE);
	CHECK_STR(err.msg, "--set routers[0].backends[2].weight=1: .routers[0].backends[2]: "
	                   "no such element (.routers[0].backends has 2 elements)");
	cJSON_Delete(root);
}

/* A creatable object missing on the path is created empty; one that is not
 * creatable, or that an index follows, is not; a failure further on leaves
 * the tree as it was. */
static void test_creatable_objects(void)
{
	static const char *const creatable[] = {"pricing", "retry"};
	rs_error err = {0};
	cJSON *root = cJSON_Parse(doc);
	CHECK_I64(rs_overrides_apply_in(root, "pricing.ptu_billing=monthly", creatable, 2, &err),
	          RS_OK);
	CHECK(strstr(text_of(root), "\"pricing\":{\"ptu_billing\":\"monthly\"}") != NULL);
	CHECK_I64(rs_overrides_apply_in(root, "clients[1].retry.policy=none", creatable, 2, &err),
	          RS_OK);
	CHECK(strstr(text_of(root), "\"retry\":{\"policy\":\"none\"}") != NULL);
	cJSON_Delete(root);

	root = cJSON_Parse(doc);
	cJSON *orig = cJSON_Parse(doc);
	CHECK_I64(rs_overrides_apply_in(root, "pricing.x.y=1", creatable, 2, &err), RS_ERR_USAGE);
	CHECK_STR(err.msg, "--set pricing.x.y=1: .pricing.x: no such key");
	CHECK(cJSON_Compare(root, orig, true)); /* the created "pricing" is gone again */
	CHECK_I64(rs_overrides_apply_in(root, "pricing[0]=1", creatable, 2, &err), RS_ERR_USAGE);
	CHECK_I64(rs_overrides_apply_in(root, "limits.x=1", creatable, 2, &err), RS_ERR_USAGE);
	CHECK_STR(err.msg, "--set limits.x=1: .limits: no such key");
	CHECK(cJSON_Compare(root, orig, true));
	cJSON_Delete(root);
	cJSON_Delete(orig);
}

int main(void)
{
	RUN(test_set_nested_number);
	RUN(test_add_key);
	RUN(test_value_string_or_json);
	RUN(test_bad_paths);
	RUN(test_path_format);
	RUN(test_nested_new_objects);
	RUN(test_creatable_objects);
	return th_done();
}
