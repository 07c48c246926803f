/*
 * Unit tests for the pieces of the PDF renderer that can be judged without
 * laying out a document (src/report/pdf_command.c, pdf_font.c): fix
 * commands made with a finding's own identifiers, their wrapping for a
 * shell (checked by running the wrapped text through /bin/sh), and the
 * /ToUnicode map written for the embedded fonts.
 */
#include "config.h"

#include "harness.h"
#include "report/pdf_int.h"

#include <stdlib.h>
#include <string.h>

static void
expect_command(const char *cli, const struct pdf_resource *r, const char *want)
{
	char *got = pdf_command_for(cli, r);

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void
test_own_ids(void)
{
	struct pdf_resource sg = {
		"AWS::EC2::SecurityGroup",
		"sg-9997aad8c91cb161d",
		"arn:aws:ec2:eu-west-1:210987654321:security-group/sg-9997aad8c91cb161d",
		"legacy",
		"eu-west-1",
		"210987654321",
		""};

	/* The id-shaped example, the account and the region. */
	expect_command("aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 "
		       "--region us-east-1",
		       &sg,
		       "aws ec2 revoke-security-group-ingress --group-id sg-9997aad8c91cb161d "
		       "--region eu-west-1");
	/* An ARN of the resource's own type becomes its ARN. */
	expect_command("aws x tag --resource-arn "
		       "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123456789abcdef0",
		       &sg,
		       "aws x tag --resource-arn "
		       "arn:aws:ec2:eu-west-1:210987654321:security-group/sg-9997aad8c91cb161d");
}

static void
test_options(void)
{
	struct pdf_resource trail = {
		"AWS::CloudTrail::Trail", "nw-trail", NULL, "nw-trail", "us-east-1",
		"210987654321",           ""};
	struct pdf_resource stage = {"AWS::ApiGateway::Stage",
				     "eb3055d3a4/staging",
				     NULL,
				     "staging",
				     "us-east-1",
				     "210987654321",
				     ""};
	struct pdf_resource repo = {
		"AWS::ECR::Repository", "team/app", NULL, "team/app", "us-east-1",
		"210987654321",         ""};

	/* The first option naming the resource (a plain --name). */
	expect_command("aws cloudtrail update-trail --name org-trail --kms-key-id alias/x", &trail,
		       "aws cloudtrail update-trail --name nw-trail --kms-key-id alias/x");
	/* A child id: the parent to the -id option, the name to -name. */
	expect_command("aws apigateway update-stage --rest-api-id a1b2c3d4e5 --stage-name prod",
		       &stage,
		       "aws apigateway update-stage --rest-api-id eb3055d3a4 --stage-name staging");
	/* A command that creates a resource keeps its own names. */
	expect_command("aws ecr create-repository --repository-name orders-api-kms", &repo,
		       "aws ecr create-repository --repository-name orders-api-kms");
}

static void
test_related_and_placeholders(void)
{
	struct pdf_resource inst = {"AWS::EC2::Instance",
				    "i-0d3d202f87f86cef2",
				    NULL,
				    "sftp",
				    "us-east-1",
				    "210987654321",
				    "security groups admit the internet (sg-9997aad8c91cb161d)"};
	struct pdf_resource none = {.type = ""};

	/* The first example group is the one the reason names; a second one is
	 * for the reader to choose. */
	expect_command("aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0\n"
		       "aws ec2 modify-instance-attribute --instance-id i-0123456789abcdef0 "
		       "--groups sg-0fedcba9876543210",
		       &inst,
		       "aws ec2 revoke-security-group-ingress --group-id sg-9997aad8c91cb161d\n"
		       "aws ec2 modify-instance-attribute --instance-id i-0d3d202f87f86cef2 "
		       "--groups <sg-id>");
	/* No resource: every example is a placeholder, the account too. */
	expect_command("aws s3control put-public-access-block --account-id 111122223333 "
		       "--bucket logs-111122223333 --snapshot-id snap-0123456789abcdef0",
		       &none,
		       "aws s3control put-public-access-block --account-id <account-id> "
		       "--bucket logs-<account-id> --snapshot-id <snap-id>");
	/* Words that only look like ids are left alone. */
	expect_command("aws ec2 modify-subnet-attribute --region us-east-1", &none,
		       "aws ec2 modify-subnet-attribute --region us-east-1");
}

/* Runs text through sh with a stand-in aws printing one argument a line. */
static char *
shell_args(const char *text)
{
	char path[] = "/tmp/attest-test-pdf-XXXXXX", cmd[128], *out = NULL;
	size_t n = 0;
	FILE *fp, *pp;
	int fd = mkstemp(path), c;

	if (fd < 0 || !(fp = fdopen(fd, "w")))
		return NULL;
	fprintf(fp, "aws() { for a in \"$@\"; do printf '[%%s]\\n' \"$a\"; done; }\n%s\n", text);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "sh %s", path);
	if ((pp = popen(cmd, "r"))) {
		FILE *mem = open_memstream(&out, &n);

		while ((c = fgetc(pp)) != EOF)
			fputc(c, mem);
		fclose(mem);
		pclose(pp);
	}
	remove(path);
	return out;
}

static void
expect_wraps(const char *cmd, size_t cols)
{
	char *w = pdf_command_wrap(cmd, cols), *a = shell_args(cmd), *b, *l;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	for (l = w; *l; l += len + (l[len] == '\n')) {
		len = strcspn(l, "\n");
		CU_ASSERT(len <= cols);
		if (len > cols)
			fprintf(stderr, "\n  %zu > %zu: %.*s\n", len, cols, (int)len, l);
	}
	b = shell_args(w);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(b);
	if (a && b) {
		CU_ASSERT_STRING_EQUAL(a, b);
		if (strcmp(a, b) != 0)
			fprintf(stderr, "\n  wrapped:\n%s\n  args %s\n  vs %s\n", w, a, b);
	}
	free(a);
	free(b);
	free(w);
}

static void
test_wrap(void)
{
	/* Between words; in a long quoted word; in a long bare word; a comment;
	 * an indented continuation line that is itself too long. */
	expect_wraps("aws ec2 revoke-security-group-ingress --group-id sg-9997aad8c91cb161d "
		     "--ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,"
		     "\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'",
		     40);
	expect_wraps(
		"aws iam detach-role-policy --policy-arn "
		"arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizationsVeryLongName",
		32);
	expect_wraps("aws cloudfront update-distribution --id E1 --if-match E2   # set the viewer "
		     "protocol policy to redirect-to-https on every cache behaviour",
		     36);
	expect_wraps(
		"aws cloudtrail put-event-selectors --trail-name t --event-selectors \\\n"
		"  '[{\"ReadWriteType\":\"All\",\"DataResources\":[{\"Type\":\"AWS::S3::Object\","
		"\"Values\":[\"arn:aws:s3\"]}]}]'",
		50);
	expect_wraps(
		"aws logs put-metric-filter --filter-pattern "
		"'{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }'",
		30);
	expect_wraps("aws apigatewayv2 update-stage --api-id a --stage-name '$default' "
		     "--access-log-settings Format=\"$context.requestId $context.status\"",
		     28);
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"own ids, account, region, ARN", test_own_ids},
		{"identifier options", test_options},
		{"related ids and placeholders", test_related_and_placeholders},
		{"wrapped commands run the same", test_wrap},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"pdf_command", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
