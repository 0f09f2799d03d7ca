// Every resource policy of the generated table of policy-carrying types is read: DynamoDB resource
// policies, EventBridge bus policies, S3 access points (and the rest), in every encoding; a
// policy the pack cannot read is an advisory "not checked", never silence.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import {
    iamNoWildcardPrincipal,
    iamPolicyDocumentValid,
    policyDocumentNotChecked,
} from "../../policypack/policies";
import { assertViolations, Json, policyDoc, runResourcePolicy, TypeSource } from "./helpers";

const ORG = { StringEquals: { "aws:PrincipalOrgID": "o-abc123example" } };
const TABLE = "arn:aws:dynamodb:us-east-1:333333333333:table/orders";
const BUS = "arn:aws:events:us-east-1:333333333333:event-bus/default";
const AP = "arn:aws:s3:us-east-1:333333333333:accesspoint/reports";

const statement = (
    action: string,
    resource: string,
    condition?: Json,
    principal: unknown = "*",
) => ({
    Sid: "Share",
    Effect: "Allow",
    Principal: principal,
    Action: action,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
});

/** The encodings a program writes a document in: JSON text, an object, a lone Statement object. */
function encodings(s: Json): Array<[string, unknown]> {
    return [
        ["a JSON string", JSON.stringify(policyDoc(s))],
        ["an object", policyDoc(s)],
        ["a single Statement object", { Version: "2012-10-17", Statement: s }],
    ];
}

interface Case {
    what: string;
    type: TypeSource;
    props: (doc: unknown) => Record<string, unknown>;
    open: Json;
    fenced: Json;
    action: string;
    where: string;
}

const CASES: Case[] = [
    {
        what: "a DynamoDB resource policy",
        type: aws.dynamodb.ResourcePolicy,
        props: (policy) => ({ resourceArn: TABLE, policy }),
        open: statement("dynamodb:GetItem", TABLE),
        fenced: statement("dynamodb:GetItem", TABLE, ORG),
        action: "dynamodb:GetItem",
        where: "policy",
    },
    {
        what: "an EventBridge event bus policy",
        type: aws.cloudwatch.EventBusPolicy,
        props: (policy) => ({ eventBusName: "default", policy }),
        open: statement("events:PutEvents", BUS),
        fenced: statement("events:PutEvents", BUS, ORG),
        action: "events:PutEvents",
        where: "policy",
    },
    {
        what: "an S3 access point's policy (aws.s3.AccessPoint)",
        type: aws.s3.AccessPoint,
        props: (policy) => ({ bucket: "reports", name: "reports", policy }),
        open: statement("s3:GetObject", `${AP}/object/*`),
        fenced: statement("s3:GetObject", `${AP}/object/*`, undefined, {
            AWS: "arn:aws:iam::333333333333:role/reader",
        }),
        action: "s3:GetObject",
        where: "policy",
    },
    {
        what: "an S3 access point policy (aws.s3control.AccessPointPolicy)",
        type: aws.s3control.AccessPointPolicy,
        props: (policy) => ({ accessPointArn: AP, policy }),
        open: statement("s3:ListBucket", AP),
        fenced: statement("s3:ListBucket", AP, ORG),
        action: "s3:ListBucket",
        where: "policy",
    },
    {
        what: "a Multi-Region Access Point policy (nested details.policy)",
        type: aws.s3control.MultiRegionAccessPointPolicy,
        props: (policy) => ({ details: { name: "global", policy } }),
        open: statement(
            "s3:GetObject",
            "arn:aws:s3::333333333333:accesspoint/global.mrap/object/*",
        ),
        fenced: statement(
            "s3:GetObject",
            "arn:aws:s3::333333333333:accesspoint/global.mrap/object/*",
            ORG,
        ),
        action: "s3:GetObject",
        where: "details.policy",
    },
];

describe("resource policies of every type in the generated table", () => {
    for (const c of CASES) {
        describe(c.what, () => {
            for (const [encoding, doc] of encodings(c.open))
                it(`flags Principal "*" without a fence, as ${encoding}`, async () => {
                    const run = await runResourcePolicy(
                        iamNoWildcardPrincipal,
                        c.type,
                        c.props(doc),
                    );
                    assertViolations(
                        run,
                        1,
                        `${c.where} Statement[0] (Sid "Share")`,
                        `allows a principal that is effectively everyone to ${c.action}`,
                        "Fix:",
                    );
                });
            for (const [encoding, doc] of encodings(c.fenced))
                it(`passes the same statement fenced to the organization or a named principal, as ${encoding}`, async () => {
                    const run = await runResourcePolicy(
                        iamNoWildcardPrincipal,
                        c.type,
                        c.props(doc),
                    );
                    assert.deepStrictEqual(run.violations, []);
                    assert.strictEqual(run.notApplicable, undefined);
                });
            it("reports a malformed document once, in iam-policy-document-valid (mandatory)", async () => {
                const broken = c.props("{");
                const valid = await runResourcePolicy(iamPolicyDocumentValid, c.type, broken);
                assertViolations(
                    valid,
                    1,
                    `${c.where} is not a valid policy document`,
                    "not valid JSON",
                );
                const wildcard = await runResourcePolicy(iamNoWildcardPrincipal, c.type, broken);
                assert.deepStrictEqual(wildcard.violations, []);
            });
        });
    }

    describe("an EventBridge bus permission (aws.cloudwatch.EventPermission), one statement written as properties", () => {
        const permission = (props: Json) => ({
            statementId: "Share",
            eventBusName: "orders",
            ...props,
        });
        it('flags principal "*" without a condition', async () => {
            const run = await runResourcePolicy(
                iamNoWildcardPrincipal,
                aws.cloudwatch.EventPermission,
                permission({ principal: "*" }),
            );
            assertViolations(
                run,
                1,
                // The message names the resource and the property that grants (property grants).
                'The EventBridge bus permission test-resource (principal="*", as a resource-policy statement) Statement[0] (Sid "Share")',
                "to events:PutEvents",
                "Fix: set principal to the account ids",
            );
        });
        for (const [what, props] of [
            [
                "principal * fenced by aws:PrincipalOrgID",
                {
                    principal: "*",
                    condition: {
                        key: "aws:PrincipalOrgID",
                        type: "StringEquals",
                        value: "o-abc123example",
                    },
                },
            ],
            ["one named account", { principal: "444455556666" }],
        ] as Array<[string, Json]>)
            it(`passes ${what}`, async () => {
                const run = await runResourcePolicy(
                    iamNoWildcardPrincipal,
                    aws.cloudwatch.EventPermission,
                    permission(props),
                );
                assert.deepStrictEqual(run.violations, []);
                assert.strictEqual(run.notApplicable, undefined);
                const valid = await runResourcePolicy(
                    iamPolicyDocumentValid,
                    aws.cloudwatch.EventPermission,
                    permission(props),
                );
                assert.deepStrictEqual(valid.violations, []);
            });
    });

    it('does not read a VPC endpoint policy as a grant: its default is Principal "*" and it only narrows access', async () => {
        const endpoint = policyDoc(statement("s3:GetObject", "*"));
        const run = await runResourcePolicy(iamNoWildcardPrincipal, aws.ec2.VpcEndpoint, {
            vpcId: "vpc-1",
            serviceName: "com.amazonaws.us-east-1.s3",
            policy: JSON.stringify(endpoint),
        });
        assert.deepStrictEqual(run.violations, []);
        // It is still an IAM document that must parse.
        const valid = await runResourcePolicy(iamPolicyDocumentValid, aws.ec2.VpcEndpoint, {
            vpcId: "vpc-1",
            policy: '{"Statement": [{"Effect": "Allow"}]}',
        });
        assertViolations(valid, 1, "policy is not a valid policy document", "Action or NotAction");
    });

    it("does not read settings named policy (an SQS redrive policy) as documents", async () => {
        const run = await runResourcePolicy(iamPolicyDocumentValid, aws.sqs.Queue, {
            redrivePolicy: JSON.stringify({
                deadLetterTargetArn: "arn:aws:sqs:::dlq",
                maxReceiveCount: 3,
            }),
        });
        assert.deepStrictEqual(run.violations, []);
    });
});

describe("policy-document-not-checked (advisory)", () => {
    it("names an IoT policy, whose language is not IAM's, by type and property", async () => {
        assert.strictEqual(policyDocumentNotChecked.enforcementLevel, "advisory");
        const iot = JSON.stringify(policyDoc({ Effect: "Allow", Action: "iot:*", Resource: "*" }));
        const run = await runResourcePolicy(policyDocumentNotChecked, aws.iot.Policy, {
            policy: iot,
        });
        assertViolations(
            run,
            1,
            "aws:iot/policy:Policy policy is not checked",
            "language other than IAM's",
            "Review who it lets in by hand",
        );
        // Nor does the mandatory wildcard policy claim to have checked it.
        const wildcard = await runResourcePolicy(iamNoWildcardPrincipal, aws.iot.Policy, {
            policy: iot,
        });
        assert.ok(wildcard.notApplicable);
    });

    it("names an OpenSearch Serverless access policy and a Verified Access (Cedar) policy", async () => {
        const oss = await runResourcePolicy(
            policyDocumentNotChecked,
            aws.opensearch.ServerlessAccessPolicy,
            { name: "p", type: "data", policy: '[{"Rules":[],"Principal":["*"]}]' },
        );
        assertViolations(
            oss,
            1,
            "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy policy is not checked",
        );
        const va = await runResourcePolicy(policyDocumentNotChecked, aws.verifiedaccess.Group, {
            verifiedaccessInstanceId: "vai-1",
            policyDocument: "permit(principal, action, resource);",
        });
        assertViolations(va, 1, "aws:verifiedaccess/group:Group policyDocument is not checked");
    });

    it("says nothing when the property is not set, or for types the pack reads", async () => {
        const unset = await runResourcePolicy(policyDocumentNotChecked, aws.verifiedaccess.Group, {
            verifiedaccessInstanceId: "vai-1",
        });
        assert.deepStrictEqual(unset.violations, []);
        const table = await runResourcePolicy(
            policyDocumentNotChecked,
            aws.dynamodb.ResourcePolicy,
            {
                resourceArn: TABLE,
                policy: JSON.stringify(policyDoc(statement("dynamodb:GetItem", TABLE))),
            },
        );
        assert.ok(table.notApplicable);
    });
});
