/*
 * test_images.c - the prompt tokens of images (issue 9, seed 001): the
 * documented known answers and more worked by hand, the draw of a
 * request's images, a client's shape with and without images (its text
 * prompt and completion draws must not move), and the loader's "images"
 * with the exact message of each kind of bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/client.h"
#include "ratesim/images.h"
#include "ratesim/scenario.h"

/* Documented (seed 001; OpenAI vision guide) and hand-worked answers. */
static void test_tokens_known_answers(void)
{
	/* the guide's and the issue's own */
	CHECK_I64(rs_images_tokens(1024, 1024, RS_IMAGE_HIGH), 765);  /* 768 x 768: 4 tiles */
	CHECK_I64(rs_images_tokens(2048, 4096, RS_IMAGE_HIGH), 1105); /* 768 x 1536: 6 tiles */
	CHECK_I64(rs_images_tokens(4096, 8192, RS_IMAGE_LOW), 85);
	CHECK_I64(rs_images_tokens(1, 1, RS_IMAGE_LOW), 85);
	/* by hand */
	CHECK_I64(rs_images_tokens(512, 512, RS_IMAGE_HIGH), 255);    /* 1 tile */
	CHECK_I64(rs_images_tokens(513, 512, RS_IMAGE_HIGH), 425);    /* a partial tile counts */
	CHECK_I64(rs_images_tokens(800, 600, RS_IMAGE_HIGH), 765);    /* 600 <= 768: kept, 2 x 2 */
	CHECK_I64(rs_images_tokens(100, 100, RS_IMAGE_HIGH), 255);    /* never enlarged to 768 */
	CHECK_I64(rs_images_tokens(1920, 1080, RS_IMAGE_HIGH), 1105); /* 1365 x 768: 3 x 2 */
	CHECK_I64(rs_images_tokens(4000, 1000, RS_IMAGE_HIGH), 765);  /* 2048 x 512: 4 x 1 */
	CHECK_I64(rs_images_tokens(1, 10000, RS_IMAGE_HIGH), 765);    /* 1 x 2048: 1 x 4 */
	CHECK_I64(rs_images_tokens(2048, 768, RS_IMAGE_HIGH), RS_IMAGE_MAX_TOKENS);
	CHECK_I64(rs_images_tokens(8192, 3072, RS_IMAGE_HIGH), RS_IMAGE_MAX_TOKENS);
}

static void test_draw(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 7);
	rs_images_cfg off = {0};
	CHECK_I64(rs_images_draw(&off, NULL, NULL), 0);
	rs_images_cfg low = {
	    .on = true, .count = {.kind = RS_DIST_FIXED, .value = 3}, .detail = RS_IMAGE_LOW};
	CHECK_I64(rs_images_draw(&low, NULL, NULL), 3 * 85);
	rs_images_cfg high = {.on = true,
	                      .count = {.kind = RS_DIST_FIXED, .value = 2},
	                      .width = {.kind = RS_DIST_FIXED, .value = 2048},
	                      .height = {.kind = RS_DIST_FIXED, .value = 4096},
	                      .detail = RS_IMAGE_HIGH};
	CHECK_I64(rs_images_draw(&high, NULL, r), 2 * 1105);
	/* 0 or 1 image of 512 x 512, each equally likely: the mean is 127.5 a
	 * request, sigma 127.5 / sqrt(10,000) = 1.275 over 10,000 requests */
	rs_images_cfg some = high;
	some.count = (rs_dist_cfg){.kind = RS_DIST_UNIFORM, .min = 0, .max = 1};
	some.width.value = some.height.value = 512;
	double sum = 0;
	for (int i = 0; i < 10000; i++) {
		int64_t t = rs_images_draw(&some, NULL, r);
		CHECK(t == 0 || t == 255);
		sum += (double)t;
	}
	CHECK_NEAR(sum / 10000, 127.5, 3 * 1.275);
	/* a count's tail is cut at RS_MAX_IMAGES */
	low.count.value = 1e9;
	CHECK_I64(rs_images_draw(&low, NULL, NULL), RS_MAX_IMAGES * 85);
	gsl_rng_free(r);
}

static const char *scenario(const char *images)
{
	static char buf[2048];
	snprintf(
	    buf, sizeof buf,
	    "{ \"name\": \"i\", \"duration_s\": 600, \"seed\": 5,\n"
	    "  \"deployments\": [ { \"name\": \"d\", \"region\": \"eastus\", "
	    "\"model\": \"gpt-4o\", \"tpm\": 100000 } ],\n"
	    "  \"clients\": [ { \"name\": \"c\", \"target\": \"d\",\n"
	    "    \"arrival\": { \"process\": \"poisson\", \"rate_rps\": 1 },\n"
	    "    \"prompt_tokens\": { \"dist\": \"lognormal\", \"median\": 500, \"sigma\": 1 },\n"
	    "    \"output_tokens\": { \"dist\": \"uniform\", \"min\": 10, \"max\": 900 }%s } ] }",
	    images);
	return buf;
}

static rs_config *load(const char *text, rs_error *err)
{
	rs_config *cfg = NULL;
	if (rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, err) != RS_OK)
		return NULL;
	return cfg;
}

/* With images, each prompt is the text prompt drawn without them plus the
 * images' tokens; the completion draws do not move. */
static void test_client_shape(void)
{
	rs_error err = {0};
	rs_config *plain = load(scenario(""), &err);
	rs_config *img = load(scenario(", \"images\": { \"count\": 2, \"width\": 1024, "
	                               "\"height\": 1024 }"),
	                      &err);
	CHECK(plain && img);
	if (!plain || !img) {
		printf("  %s\n", err.msg);
		rs_config_free(plain);
		rs_config_free(img);
		return;
	}
	CHECK(img->clients[0].images.on);
	CHECK_I64(img->clients[0].images.detail, RS_IMAGE_HIGH); /* the default */
	rs_client a, b;
	CHECK_I64(rs_client_init(&a, plain, 0, rs_time_from_s(600), &err), RS_OK);
	CHECK_I64(rs_client_init(&b, img, 0, rs_time_from_s(600), &err), RS_OK);
	for (int i = 0; i < 1000; i++) {
		rs_shape sa, sb;
		rs_client_draw_shape(&a, -1, &sa);
		rs_client_draw_shape(&b, -1, &sb);
		CHECK_I64(sb.prompt_tokens, sa.prompt_tokens + 2 * 765);
		CHECK_I64(sb.output_tokens, sa.output_tokens);
	}
	rs_client_fini(&a);
	rs_client_fini(&b);
	rs_config_free(plain);
	rs_config_free(img);
}

static void fails(const char *images, const char *msg)
{
	rs_error err = {0};
	rs_config *cfg = load(scenario(images), &err);
	CHECK(cfg == NULL);
	CHECK_I64(err.status, RS_ERR_INVALID);
	CHECK_STR(err.msg, msg);
	rs_config_free(cfg);
}

static void test_loader(void)
{
	rs_error err = {0};
	rs_config *cfg = load(scenario(", \"images\": { \"detail\": \"low\", \"count\": "
	                               "{ \"dist\": \"uniform\", \"min\": 0, \"max\": 4 } }"),
	                      &err);
	CHECK(cfg != NULL);
	if (cfg) {
		const rs_images_cfg *im = &cfg->clients[0].images;
		CHECK_I64(im->detail, RS_IMAGE_LOW);
		CHECK_I64(im->count.kind, RS_DIST_UNIFORM);
		CHECK_NEAR(im->count.max, 4, 0);
		rs_config_free(cfg);
	}
	fails(", \"images\": 3", "t.json: .clients[0].images: must be an object (got number 3)");
	fails(", \"images\": { \"detail\": \"medium\" }",
	      "t.json: .clients[0].images.detail: must be one of: low, high (got string "
	      "\"medium\")");
	fails(", \"images\": { \"count\": 1 }",
	      "t.json: .clients[0].images.width: required key is missing");
	fails(", \"images\": { \"detail\": \"low\", \"width\": 10 }",
	      "t.json: .clients[0].images.width: not used when detail is \"low\"; only a "
	      "\"high\" detail image is charged by its size");
	fails(", \"images\": { \"width\": 0, \"height\": 10 }",
	      "t.json: .clients[0].images.width: must be >= 1 (got 0)");
	fails(", \"images\": { \"width\": 10, \"height\": 10, \"count\": 1001 }",
	      "t.json: .clients[0].images.count: must be at most 1000 (got 1001)");
	fails(", \"images\": { \"width\": 10, \"height\": 10, \"count\": { \"dist\": \"trace\" } }",
	      "t.json: .clients[0].images.count.dist: must be one of: fixed, uniform, lognormal, "
	      "empirical (got string \"trace\")");
	fails(", \"images\": { \"width\": 10, \"heigth\": 10 }",
	      "t.json: .clients[0].images.heigth: unknown key; did you mean \"height\"?");
}

/* An empirical count: the first size column of a random row of a file of
 * counts (0, 1 and 2 images here, at low detail: 0, 85 or 170 tokens, each
 * a third of the time; sigma of a share over 3,000 draws: 0.0086). */
static void test_empirical_count(void)
{
	char dir[] = "/tmp/ratesim-images-XXXXXX";
	if (!mkdtemp(dir)) {
		TH_FAIL("mkdtemp failed");
		return;
	}
	char file[64], images[256];
	snprintf(file, sizeof file, "%s/counts.csv", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("TIMESTAMP,ContextTokens,GeneratedTokens\n"
	      "2023-11-16 18:00:00.0000000,0,1\n"
	      "2023-11-16 18:00:01.0000000,1,1\n"
	      "2023-11-16 18:00:02.0000000,2,1\n",
	      f);
	fclose(f);
	snprintf(images, sizeof images,
	         ", \"images\": { \"detail\": \"low\", \"count\": { \"dist\": \"empirical\", "
	         "\"file\": \"%s\", \"zero_rows\": \"keep\" } }",
	         file);
	rs_error err = {0};
	rs_config *plain = load(scenario(""), &err);
	rs_config *img = load(scenario(images), &err);
	CHECK(plain && img);
	if (plain && img) {
		CHECK_I64(img->clients[0].images.count.kind, RS_DIST_EMPIRICAL);
		rs_client a, b;
		CHECK_I64(rs_client_init(&a, plain, 0, rs_time_from_s(600), &err), RS_OK);
		CHECK_I64(rs_client_init(&b, img, 0, rs_time_from_s(600), &err), RS_OK);
		int seen[3] = {0}, other = 0;
		for (int i = 0; i < 3000; i++) {
			rs_shape sa, sb;
			rs_client_draw_shape(&a, -1, &sa);
			rs_client_draw_shape(&b, -1, &sb);
			int64_t t = sb.prompt_tokens - sa.prompt_tokens;
			if (t == 0 || t == 85 || t == 170)
				seen[t / 85]++;
			else
				other++;
		}
		CHECK_I64(other, 0);
		for (int k = 0; k < 3; k++)
			CHECK_NEAR(seen[k] / 3000.0, 1 / 3.0, 3 * 0.0086);
		rs_client_fini(&a);
		rs_client_fini(&b);
	} else {
		printf("  %s\n", err.msg);
	}
	rs_config_free(plain);
	rs_config_free(img);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	RUN(test_tokens_known_answers);
	RUN(test_draw);
	RUN(test_client_shape);
	RUN(test_loader);
	RUN(test_empirical_count);
	return th_done();
}
