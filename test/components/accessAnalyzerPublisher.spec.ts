// The findings publisher's use of the alarm topic's key: named by what only that key can be (a key
// of the topic's account and region, through SNS, for this topic's messages), so the policy is
// known in a first preview; asked of the project's one evaluator with the planned key policy, as
// AWS decides a cross-account request (the role's policy and the key's policy must both allow).
import * as assert from "assert";
import { publisherPolicy } from "../../components/accessAnalyzer";
import { PlanResult } from "../../plan/run";
import {
    authorize,
    awsPrincipalFromArn,
    NamedPolicy,
    parsePolicyDocument,
    RequestPrincipal,
} from "../../policypack/iam";
import {
    MANAGEMENT,
    one,
    planSecurity,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
} from "../helpers";

const TOPIC = `arn:aws:sns:us-east-1:${MANAGEMENT}:org-access-security-alarms`;
const PUBLISHER = `arn:aws:iam::${SECURITY}:role/OrgAccessFindingsPublisher`;
const VIA_SNS = { "kms:ViaService": "sns.us-east-1.amazonaws.com" };
const FOR_TOPIC = { "kms:EncryptionContext:aws:sns:topicArn": TOPIC };

describe("the findings publisher's use of the alarm topic's key", () => {
    let plan: PlanResult;
    let identity: NamedPolicy;
    let keyPolicy: NamedPolicy;
    let keyArn: string;
    let planned: unknown;
    before(async () => {
        plan = await planSecurity(
            securityValues({ accessAnalyzer: {} }),
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name: "prod", accountId: PROD }],
                },
            }),
        );
        const policy = one(
            plan,
            "aws:iam/rolePolicy:RolePolicy",
            "access-analyzer-publisher-policy",
        );
        planned = JSON.parse(String(policy.props.policy));
        identity = {
            label: "publisher policy",
            doc: parsePolicyDocument(String(policy.props.policy), "identity"),
        };
        const key = one(plan, "aws:kms/key:Key", "detection-key");
        keyArn = `arn:aws:kms:us-east-1:${MANAGEMENT}:key/${String(key.id)}`;
        keyPolicy = {
            label: "alarm key policy",
            doc: parsePolicyDocument(String(key.props.policy), "resource"),
        };
    });

    /** The publisher role's session asks for `action` on `resource`, with `resourcePolicy` on it. */
    function ask(
        action: string,
        resource: string,
        context: Record<string, string>,
        resourcePolicy: NamedPolicy | undefined = keyPolicy,
    ) {
        const session = awsPrincipalFromArn(
            `arn:aws:sts::${SECURITY}:assumed-role/OrgAccessFindingsPublisher/events`,
        ) as RequestPrincipal & { type: "aws" };
        return authorize(
            {
                principal: { ...session, roleArn: PUBLISHER },
                action,
                resource,
                resourceAccount: MANAGEMENT,
                context,
            },
            { identity: [identity], resource: resourcePolicy },
        ).decision;
    }

    it("names no key ARN: the policy is known from the topic's ARN alone", () => {
        const doc = publisherPolicy(TOPIC);
        assert.deepStrictEqual(doc.Statement, [
            { Sid: "PublishFindings", Effect: "Allow", Action: "sns:Publish", Resource: TOPIC },
            {
                Sid: "UseTopicKey",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: `arn:aws:kms:us-east-1:${MANAGEMENT}:key/*`,
                Condition: { StringEquals: { ...VIA_SNS, ...FOR_TOPIC } },
            },
        ]);
        assert.throws(() => publisherPolicy(keyArn), /is not an SNS topic ARN/);
        // The planned policy is that document.
        assert.deepStrictEqual(planned, doc);
    });

    it("lets SNS use the topic's key for the role's publications to this topic", () => {
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"])
            assert.strictEqual(ask(action, keyArn, { ...VIA_SNS, ...FOR_TOPIC }), "Allow", action);
        const topicPolicy: NamedPolicy = {
            label: "alarm topic policy",
            doc: parsePolicyDocument(
                String(
                    one(plan, "aws:sns/topicPolicy:TopicPolicy", "detection-topic-policy").props
                        .policy,
                ),
                "resource",
            ),
        };
        assert.strictEqual(
            ask("sns:Publish", TOPIC, { "aws:SecureTransport": "true" }, topicPolicy),
            "Allow",
        );
    });

    it("lets the role use no other key, nor this one directly or for another topic", () => {
        const mine = { ...VIA_SNS, ...FOR_TOPIC };
        // Used directly, not through SNS.
        assert.notStrictEqual(ask("kms:Decrypt", keyArn, FOR_TOPIC), "Allow");
        // Through another service.
        assert.notStrictEqual(
            ask("kms:Decrypt", keyArn, {
                ...FOR_TOPIC,
                "kms:ViaService": "s3.us-east-1.amazonaws.com",
            }),
            "Allow",
        );
        // For another topic's messages, even one whose key would admit the role.
        assert.notStrictEqual(
            ask("kms:GenerateDataKey", keyArn, {
                ...VIA_SNS,
                "kms:EncryptionContext:aws:sns:topicArn": `${TOPIC}-other`,
            }),
            "Allow",
        );
        // A key of another account or region, even one whose key policy admits the role.
        for (const other of [
            `arn:aws:kms:us-east-1:${PROD}:key/other`,
            `arn:aws:kms:eu-west-1:${MANAGEMENT}:key/other`,
        ])
            assert.notStrictEqual(ask("kms:GenerateDataKey", other, mine), "Allow", other);
        // Another key of the management account whose key policy does not admit the role.
        const stranger: NamedPolicy = {
            label: "another key's policy",
            doc: parsePolicyDocument(
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` },
                            Action: "kms:*",
                            Resource: "*",
                        },
                    ],
                }),
                "resource",
            ),
        };
        assert.notStrictEqual(
            ask(
                "kms:GenerateDataKey",
                `arn:aws:kms:us-east-1:${MANAGEMENT}:key/other`,
                mine,
                stranger,
            ),
            "Allow",
        );
        // Nor anything but encrypting and decrypting with it.
        assert.notStrictEqual(ask("kms:ReEncryptFrom", keyArn, mine), "Allow");
        assert.notStrictEqual(ask("kms:PutKeyPolicy", keyArn, mine), "Allow");
    });
});
