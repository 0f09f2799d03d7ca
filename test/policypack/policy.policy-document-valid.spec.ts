import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { checkResources, PlannedResource } from "../../policypack/runner";
import { iamPolicyDocumentValid, policies } from "../../policypack/policies";
import {
    allowAssume,
    assertViolations,
    policyDoc,
    pulumiTypeOf,
    runResourcePolicy,
    UNKNOWN_STRING,
} from "./helpers";

const NAME = "iam-policy-document-valid";
const BAD_IDENTITY = '{"Statement": {"Effect": "Allow"}}';
const BAD_TRUST = {
    Statement: { Effect: "Allow", Principal: "arn:aws:iam::1:root", Action: "sts:AssumeRole" },
};
const GOOD_TRUST = policyDoc(allowAssume({ Service: "ec2.amazonaws.com" }));

/** One malformed document of every kind, each with where it is and the problem IAM would find. */
const MALFORMED: Array<{ resource: PlannedResource; where: string; problem: string }> = [
    {
        resource: {
            type: pulumiTypeOf(aws.iam.Policy),
            name: "identity",
            props: { policy: BAD_IDENTITY },
        },
        where: "policy",
        problem: "Action or NotAction",
    },
    {
        resource: {
            type: pulumiTypeOf(aws.iam.Role),
            name: "inline",
            props: {
                assumeRolePolicy: GOOD_TRUST,
                inlinePolicies: [{ name: "broken", policy: BAD_IDENTITY }],
            },
        },
        where: 'inlinePolicies[0] ("broken")',
        problem: "Action or NotAction",
    },
    {
        resource: {
            type: pulumiTypeOf(aws.iam.Role),
            name: "trust",
            props: { assumeRolePolicy: BAD_TRUST },
        },
        where: "assumeRolePolicy",
        problem: 'a string principal must be "*"',
    },
    {
        resource: {
            type: pulumiTypeOf(aws.s3.BucketPolicy),
            name: "bucket",
            props: { bucket: "b", policy: "{" },
        },
        where: "policy",
        problem: "not valid JSON",
    },
    {
        resource: {
            type: pulumiTypeOf(aws.kms.Key),
            name: "key",
            props: { policy: { Statement: [{ Effect: "Allow", Action: "kms:*" }] } },
        },
        where: "policy",
        problem: "Principal",
    },
    {
        resource: {
            type: "aws:cloudformation/stackSet:StackSet",
            name: "template",
            // Issue 11: YAML bodies are read now, so the malformed body is neither JSON nor YAML.
            props: { templateBody: "Resources: [unclosed\n" },
        },
        where: "templateBody",
        problem: "neither a JSON nor a YAML template",
    },
    {
        resource: {
            type: "aws:cloudformation/stackSet:StackSet",
            name: "embedded",
            props: {
                templateBody: JSON.stringify({
                    Resources: {
                        Audit: {
                            Type: "AWS::IAM::Role",
                            Properties: { AssumeRolePolicyDocument: BAD_TRUST },
                        },
                    },
                }),
            },
        },
        where: "in the template of embedded, resource Audit: assumeRolePolicy",
        problem: 'a string principal must be "*"',
    },
];

const resources = MALFORMED.map((m) => m.resource);
const reportsOf = (v: ReturnType<typeof checkResources>) =>
    v.filter((x) => x.policy === NAME).map((x) => `${x.resource}: ${x.message}`);

describe(NAME, () => {
    it("reports every malformed document of every kind, once, with where it is and the fix", () => {
        const v = checkResources(resources);
        const mine = v.filter((x) => x.policy === NAME);
        assert.deepStrictEqual(
            mine.map((x) => x.resource),
            MALFORMED.map((m) => m.resource.name),
        );
        mine.forEach((x, i) => {
            const m = MALFORMED[i];
            assert.strictEqual(x.enforcementLevel, "mandatory");
            assert.ok(x.message.startsWith(m.where), `${x.message} does not start with ${m.where}`);
            assert.ok(x.message.includes(m.problem), `${x.message} does not say ${m.problem}`);
            if (m.where !== "templateBody")
                assert.ok(x.message.includes("Fix the document so that IAM would accept it."));
        });
    });

    it("is the only policy that mentions a malformed document: none is reported twice", () => {
        const v = checkResources(resources);
        const others = v.filter((x) => x.policy !== NAME);
        assert.deepStrictEqual(
            others.filter((x) =>
                /not a valid policy document|cannot be parsed|JSON nor a YAML template/.test(
                    x.message,
                ),
            ),
            [],
        );
        assert.strictEqual(new Set(reportsOf(v)).size, reportsOf(v).length);
    });

    it("every other policy skips a document it cannot parse, silently", async () => {
        for (const p of policies) {
            if (p.name === NAME || !("validateResource" in p)) continue;
            for (const m of MALFORMED) {
                const run = await runResourcePolicy(
                    p as ResourceValidationPolicy,
                    m.resource.type,
                    m.resource.props,
                    { name: m.resource.name },
                );
                assert.deepStrictEqual(run.violations, [], `${p.name} on ${m.resource.name}`);
            }
        }
    });

    it("disabling any other policy leaves every malformed kind reported", () => {
        const all = reportsOf(checkResources(resources));
        assert.strictEqual(all.length, MALFORMED.length);
        for (const p of policies) {
            if (p.name === NAME) continue;
            assert.deepStrictEqual(
                reportsOf(checkResources(resources, { [p.name]: "disabled" })),
                all,
                `with ${p.name} disabled`,
            );
        }
    });

    it("accepts valid and absent documents", async () => {
        assertViolations(
            await runResourcePolicy(iamPolicyDocumentValid, aws.iam.Role, {
                assumeRolePolicy: GOOD_TRUST,
                inlinePolicies: [{ name: "empty" }],
            }),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamPolicyDocumentValid, aws.s3.BucketPolicy, { bucket: "b" }),
            0,
        );
        // A Lambda permission is read as the statement AWS builds from it (AddPermission).
        assertViolations(
            await runResourcePolicy(iamPolicyDocumentValid, aws.lambda.Permission, {
                action: "lambda:InvokeFunction",
                function: "f",
                principal: "s3.amazonaws.com",
            }),
            0,
        );
    });

    it("lets UnknownValueError through when a document is unknown at preview", async () => {
        await assert.rejects(
            runResourcePolicy(iamPolicyDocumentValid, aws.iam.Role, {
                assumeRolePolicy: UNKNOWN_STRING,
            }),
            UnknownValueError,
        );
    });
});
