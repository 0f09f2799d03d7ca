import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoWildcardPrincipal, iamPolicyDocumentValid } from "../../policypack/policies";
import {
    allowAssume,
    assertViolations,
    Json,
    policyDoc,
    runResourcePolicy,
    SECURITY_ACCOUNT,
} from "./helpers";

const BUCKET = "arn:aws:s3:::audit-logs";
const get = (principal: unknown, condition?: Json, extra: Json = {}): Json => ({
    Effect: "Allow",
    Principal: principal,
    Action: "s3:GetObject",
    Resource: `${BUCKET}/*`,
    ...(condition ? { Condition: condition } : {}),
    ...extra,
});

async function bucketPolicy(doc: unknown): Promise<string[]> {
    return (
        await runResourcePolicy(iamNoWildcardPrincipal, aws.s3.BucketPolicy, {
            bucket: "audit-logs",
            policy: doc,
        })
    ).violations;
}

describe("iam-no-wildcard-principal", () => {
    describe("flags principals that are effectively everyone", () => {
        const cases: Array<[string, Json]> = [
            ['the string "*"', get("*")],
            ['{AWS: "*"}', get({ AWS: "*" })],
            ['{AWS: [account, "*"]}', get({ AWS: [`arn:aws:iam::${SECURITY_ACCOUNT}:root`, "*"] })],
            ["a wildcard account arn:aws:iam::*:root", get({ AWS: "arn:aws:iam::*:root" })],
            [
                "NotPrincipal with Allow",
                {
                    Effect: "Allow",
                    NotPrincipal: { AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` },
                    Action: "s3:GetObject",
                    Resource: `${BUCKET}/*`,
                },
            ],
            [
                "a negated org condition",
                get("*", { StringNotEquals: { "aws:PrincipalOrgID": "o-abc123" } }),
            ],
            [
                "an IfExists org condition",
                get("*", { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abc123" } }),
            ],
            [
                "a ForAllValues org condition",
                get("*", { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc123" } }),
            ],
            ["a wildcard org id", get("*", { StringLike: { "aws:PrincipalOrgID": "o-*" } })],
            [
                'a "*" org id even under StringEquals',
                get("*", { StringEquals: { "aws:PrincipalOrgID": "*" } }),
            ],
            [
                "an org path with a wildcard org",
                get("*", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*/r-ab12/*" } }),
            ],
            ["a /0 source IP", get("*", { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } })],
            ["an IPv6 /0 source IP", get("*", { IpAddress: { "aws:SourceIp": "::/0" } })],
            [
                "a source IP range broader than /8",
                get("*", { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/1"] } }),
            ],
            [
                "a negated source IP",
                get("*", { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } }),
            ],
            [
                "an IfExists source IP",
                get("*", { IpAddressIfExists: { "aws:SourceIp": "203.0.113.0/24" } }),
            ],
            [
                "a principal ARN with a wildcard account",
                get("*", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/deployer" } }),
            ],
            ["a wildcard source account", get("*", { StringLike: { "aws:SourceAccount": "*" } })],
            [
                "a source ARN with a wildcard account",
                get("*", { ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*" } }),
            ],
            [
                "an ExternalId (not a secret)",
                get("*", { StringEquals: { "sts:ExternalId": "abc" } }),
            ],
            ["SecureTransport only", get("*", { Bool: { "aws:SecureTransport": "true" } })],
            [
                'NotAction with "*"',
                {
                    Effect: "Allow",
                    Principal: "*",
                    NotAction: "s3:DeleteObject",
                    Resource: `${BUCKET}/*`,
                },
            ],
            ["a wildcard service principal", get({ Service: "*" })],
        ];
        for (const [what, st] of cases) {
            it(what, async () => {
                const v = await bucketPolicy(policyDoc(st));
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.ok(v[0].includes("Statement[0]"), v[0]);
                assert.ok(v[0].includes("Fix:"), v[0]);
            });
        }
    });

    describe("passes restricted or non-public statements", () => {
        const cases: Array<[string, Json]> = [
            ["a named account", get({ AWS: SECURITY_ACCOUNT })],
            ["an exact org id", get("*", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } })],
            [
                "an org path under an exact org",
                get("*", {
                    "ForAnyValue:StringLike": {
                        "aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-ab12-*",
                    },
                }),
            ],
            [
                "an exact principal account",
                get("*", {
                    StringEquals: { "aws:PrincipalAccount": [SECURITY_ACCOUNT, "444444444444"] },
                }),
            ],
            [
                "a principal ARN with an exact account",
                get("*", {
                    ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY_ACCOUNT}:role/*` },
                }),
            ],
            [
                "an exact VPC endpoint",
                get("*", { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d" } }),
            ],
            [
                "a fixed set of CIDRs (not public, as AWS defines it)",
                get("*", { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/48"] } }),
            ],
            ["an exact VPC", get("*", { StringEquals: { "aws:SourceVpc": "vpc-0a1b2c3d" } })],
            [
                "an exact source ARN (service access)",
                get("*", {
                    ArnEquals: {
                        "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${SECURITY_ACCOUNT}:trail/org`,
                    },
                }),
            ],
            [
                "an exact source account (service access)",
                get("*", { StringEquals: { "aws:SourceAccount": SECURITY_ACCOUNT } }),
            ],
            [
                "ForAnyValue:StringEquals on the org id (needs the key)",
                get("*", { "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": "o-abc123" } }),
            ],
            [
                "a service principal",
                get(
                    { Service: "cloudtrail.amazonaws.com" },
                    { StringEquals: { "aws:SourceArn": "x" } },
                ),
            ],
            [
                'a Deny with "*"',
                {
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [BUCKET, `${BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        ];
        for (const [what, st] of cases) {
            it(what, async () => {
                assert.deepStrictEqual(await bucketPolicy(policyDoc(st)), []);
            });
        }
        it("a Deny guard that keeps everyone outside the org out", async () => {
            const doc = policyDoc(get("*"), {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abc123" } },
            });
            assert.deepStrictEqual(await bucketPolicy(doc), []);
        });
        it("a Deny guard with StringNotEqualsIfExists also keeps outsiders out (absent key: the Deny applies)", async () => {
            const doc = policyDoc(get("*"), {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-abc123" } },
            });
            assert.deepStrictEqual(await bucketPolicy(doc), []);
        });
        it("but a Deny that only blocks one other org does not", async () => {
            const doc = policyDoc(get("*"), {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-bad" } },
            });
            assert.strictEqual((await bucketPolicy(doc)).length, 1);
        });
        it("the documented deny-outside-my-network guard", async () => {
            const doc = policyDoc(get("*"), {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
            });
            assert.deepStrictEqual(await bucketPolicy(doc), []);
        });
        it("nor a Deny guard on other resources only", async () => {
            const doc = policyDoc(get("*"), {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: `${BUCKET}/private/*`,
                Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abc123" } },
            });
            assert.strictEqual((await bucketPolicy(doc)).length, 1);
        });
    });

    it("reads documents given as JSON strings and as objects, Statement as a single object", async () => {
        const doc = { Version: "2012-10-17", Statement: get("*") };
        assert.strictEqual((await bucketPolicy(JSON.stringify(doc))).length, 1);
        assert.strictEqual((await bucketPolicy(doc)).length, 1);
    });

    it("reports the Sid and every offending statement", async () => {
        const v = await bucketPolicy(
            policyDoc(
                get({ AWS: SECURITY_ACCOUNT }),
                get("*", undefined, { Sid: "Public" }),
                get({ AWS: "*" }),
            ),
        );
        assert.strictEqual(v.length, 2);
        assert.ok(v[0].includes('Statement[1] (Sid "Public")'));
        assert.ok(v[1].includes("Statement[2]"));
    });

    it("skips a malformed bucket policy instead of crashing; iam-policy-document-valid reports it", async () => {
        assertViolations({ violations: await bucketPolicy("{") }, 0);
        const v = await runResourcePolicy(iamPolicyDocumentValid, aws.s3.BucketPolicy, {
            bucket: "audit-logs",
            policy: "{",
        });
        assertViolations(v, 1, "not a valid policy document", "not valid JSON");
    });

    it("checks role trust policies", async () => {
        const open = await runResourcePolicy(iamNoWildcardPrincipal, aws.iam.Role, {
            assumeRolePolicy: policyDoc(allowAssume({ AWS: "*" })),
        });
        assertViolations(open, 1, "assumeRolePolicy Statement[0]");
        const org = await runResourcePolicy(iamNoWildcardPrincipal, aws.iam.Role, {
            assumeRolePolicy: policyDoc(
                allowAssume("*", { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }),
            ),
        });
        assertViolations(org, 0);
    });

    it("checks KMS key policies (inline and KeyPolicy)", async () => {
        const doc = policyDoc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:Decrypt",
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.Key, {
                policy: JSON.stringify(doc),
            }),
            1,
            "policy Statement[0]",
        );
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.KeyPolicy, {
                keyId: "k",
                policy: doc,
            }),
            1,
        );
        const viaService = policyDoc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:Decrypt"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "kms:CallerAccount": SECURITY_ACCOUNT,
                    "kms:ViaService": "s3.us-east-1.amazonaws.com",
                },
            },
        });
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.Key, { policy: viaService }),
            0,
        );
        assertViolations(await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.Key, {}), 0);
    });

    it("checks SNS and SQS policies", async () => {
        const publish = policyDoc({
            Effect: "Allow",
            Principal: "*",
            Action: "sns:Publish",
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.sns.Topic, { policy: publish }),
            1,
        );
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.sns.TopicPolicy, {
                arn: "t",
                policy: publish,
            }),
            1,
        );
        const owner = policyDoc({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sns:Publish",
            Resource: "*",
            Condition: { StringEquals: { "AWS:SourceOwner": SECURITY_ACCOUNT } },
        });
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.sns.Topic, { policy: owner }),
            0,
        );
        const send = policyDoc({
            Effect: "Allow",
            Principal: "*",
            Action: "sqs:SendMessage",
            Resource: "*",
            Condition: {
                ArnEquals: { "aws:SourceArn": `arn:aws:sns:us-east-1:${SECURITY_ACCOUNT}:alerts` },
            },
        });
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.sqs.QueuePolicy, {
                queueUrl: "q",
                policy: send,
            }),
            0,
        );
        const sendAny = policyDoc({
            Effect: "Allow",
            Principal: "*",
            Action: "sqs:SendMessage",
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(iamNoWildcardPrincipal, aws.sqs.Queue, { policy: sendAny }),
            1,
        );
    });

    it("checks Lambda permissions", async () => {
        const run = (props: Json) =>
            runResourcePolicy(iamNoWildcardPrincipal, aws.lambda.Permission, {
                function: "fn",
                action: "lambda:InvokeFunction",
                ...props,
            });
        assertViolations(await run({ principal: "*" }), 1, "Lambda permission");
        assertViolations(await run({ principal: "*", sourceAccount: SECURITY_ACCOUNT }), 0);
        assertViolations(await run({ principal: "*", principalOrgId: "o-abc123" }), 0);
        assertViolations(
            await run({
                principal: "*",
                action: "lambda:InvokeFunctionUrl",
                functionUrlAuthType: "NONE",
            }),
            1,
        );
        assertViolations(await run({ principal: SECURITY_ACCOUNT }), 0);
        assertViolations(
            await run({ principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::bucket" }),
            0,
        );
    });

    it("is not applicable to other resource types", async () => {
        const r = await runResourcePolicy(iamNoWildcardPrincipal, aws.ec2.Instance, { ami: "x" });
        assert.ok(r.notApplicable);
        assert.deepStrictEqual(r.violations, []);
    });

    it("honours exemptResources", async () => {
        const r = await runResourcePolicy(
            iamNoWildcardPrincipal,
            aws.s3.BucketPolicy,
            { bucket: "site", policy: policyDoc(get("*")) },
            { name: "website-policy", config: { exemptResources: ["website-policy"] } },
        );
        assertViolations(r, 0);
    });
});
