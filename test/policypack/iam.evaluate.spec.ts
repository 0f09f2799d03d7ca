import * as assert from "assert";
import {
    actionMatches,
    awsPrincipalFromArn,
    evaluateRequest,
    findPublicAccess,
    parsePolicyDocument,
    RequestPrincipal,
} from "../../policypack/iam";

const user = (arn: string): RequestPrincipal => awsPrincipalFromArn(arn)!;
const ALICE = user("arn:aws:iam::111111111111:user/alice");
const OUTSIDER = user("arn:aws:iam::999999999999:user/mallory");
const SESSION = user("arn:aws:sts::111111111111:assumed-role/ci/build-7");

function decide(
    statements: unknown,
    principal: RequestPrincipal | undefined,
    action = "sts:AssumeRole",
    context: Record<string, string> = {},
    resource?: string,
): string {
    const doc = parsePolicyDocument({ Version: "2012-10-17", Statement: statements });
    return evaluateRequest(doc, { principal, action, resource, context }).decision;
}

describe("iam model: evaluation", () => {
    it("matches actions case-insensitively with * and ?", () => {
        assert.ok(actionMatches("sts:AssumeRole", "STS:assumerole"));
        assert.ok(actionMatches("sts:Assume*", "sts:AssumeRole"));
        assert.ok(actionMatches("sts:AssumeRol?", "sts:AssumeRole"));
        assert.ok(!actionMatches("sts:AssumeRol?", "sts:AssumeRoles"));
        assert.ok(actionMatches("*", "iam:PassRole"));
        assert.ok(!actionMatches("s3:*", "sts:AssumeRole"));
    });

    it("NotAction allows every action but the listed ones", () => {
        const st = {
            Effect: "Allow",
            Principal: { AWS: "111111111111" },
            NotAction: "sts:TagSession",
        };
        assert.strictEqual(decide(st, ALICE), "Allow");
        assert.strictEqual(decide(st, ALICE, "sts:TagSession"), "ImplicitDeny");
    });

    it("an account principal covers its users and role sessions; a role ARN covers its sessions", () => {
        assert.strictEqual(
            decide(
                { Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" },
                ALICE,
            ),
            "Allow",
        );
        assert.strictEqual(
            decide(
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::111111111111:root" },
                    Action: "sts:AssumeRole",
                },
                SESSION,
            ),
            "Allow",
        );
        assert.strictEqual(
            decide(
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::111111111111:role/ci" },
                    Action: "sts:AssumeRole",
                },
                SESSION,
            ),
            "Allow",
        );
        assert.strictEqual(
            decide(
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::111111111111:user/bob" },
                    Action: "sts:AssumeRole",
                },
                ALICE,
            ),
            "ImplicitDeny",
        );
        assert.strictEqual(
            decide(
                { Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" },
                OUTSIDER,
            ),
            "ImplicitDeny",
        );
    });

    it('"*" and {AWS: "*"} both include anonymous callers', () => {
        assert.strictEqual(
            decide(
                { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" },
                { type: "anonymous" },
                "s3:GetObject",
            ),
            "Allow",
        );
        assert.strictEqual(
            decide(
                { Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "*" },
                { type: "anonymous" },
                "s3:GetObject",
            ),
            "Allow",
        );
    });

    it("NotPrincipal with Allow lets in everyone not listed", () => {
        const st = {
            Effect: "Allow",
            NotPrincipal: { AWS: "arn:aws:iam::111111111111:user/alice" },
            Action: "sts:AssumeRole",
        };
        assert.strictEqual(decide(st, OUTSIDER), "Allow");
        assert.strictEqual(decide(st, ALICE), "ImplicitDeny");
    });

    it("service and federated principals", () => {
        const st = {
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::logs/*",
        };
        assert.strictEqual(
            decide(
                st,
                { type: "service", service: "CloudTrail.amazonaws.com" },
                "s3:PutObject",
                {},
                "arn:aws:s3:::logs/AWSLogs/x",
            ),
            "Allow",
        );
        assert.strictEqual(
            decide(st, ALICE, "s3:PutObject", {}, "arn:aws:s3:::logs/AWSLogs/x"),
            "ImplicitDeny",
        );
    });

    it("Resource and NotResource, with policy variables", () => {
        const own = {
            Effect: "Allow",
            Action: "iam:CreateVirtualMFADevice",
            Resource: "arn:aws:iam::*:mfa/${aws:username}",
        };
        assert.strictEqual(
            decide(
                own,
                ALICE,
                "iam:CreateVirtualMFADevice",
                {},
                "arn:aws:iam::111111111111:mfa/alice",
            ),
            "Allow",
        );
        assert.strictEqual(
            decide(
                own,
                ALICE,
                "iam:CreateVirtualMFADevice",
                {},
                "arn:aws:iam::111111111111:mfa/bob",
            ),
            "ImplicitDeny",
        );
        const not = { Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" };
        assert.strictEqual(
            decide(not, ALICE, "s3:GetObject", {}, "arn:aws:s3:::public/x"),
            "Allow",
        );
        assert.strictEqual(
            decide(not, ALICE, "s3:GetObject", {}, "arn:aws:s3:::secret/x"),
            "ImplicitDeny",
        );
    });

    it("an explicit Deny wins and names the deciding statement", () => {
        const doc = parsePolicyDocument({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowAll",
                    Effect: "Allow",
                    Principal: { AWS: "111111111111" },
                    Action: "sts:AssumeRole",
                },
                {
                    Sid: "DenyNoMfa",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sts:AssumeRole",
                    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
                },
            ],
        });
        const noMfa = evaluateRequest(doc, { principal: ALICE, action: "sts:AssumeRole" });
        assert.strictEqual(noMfa.decision, "ExplicitDeny");
        assert.strictEqual(noMfa.decidingStatement?.sid, "DenyNoMfa");
        assert.strictEqual(noMfa.decidingStatement?.label, 'Statement[1] (Sid "DenyNoMfa")');
        const mfa = evaluateRequest(doc, {
            principal: ALICE,
            action: "sts:AssumeRole",
            context: { "aws:MultiFactorAuthPresent": true },
        });
        assert.strictEqual(mfa.decision, "Allow");
        assert.strictEqual(mfa.decidingStatement?.sid, "AllowAll");
    });

    it("derives principal context keys (aws:PrincipalArn of a session is its role)", () => {
        const st = {
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci" } },
        };
        assert.strictEqual(decide(st, SESSION), "Allow");
        assert.strictEqual(decide(st, ALICE), "ImplicitDeny");
    });
});

describe("iam model: witness search limits", () => {
    it("gives the safe answer (allowed) when conditions are too large to enumerate", () => {
        // Ten free keys with many candidates each, and one clause that ties them all together, so
        // every combination must be tried: the search stops at its budget and reports "undecided".
        const keys = Array.from({ length: 10 }, (_, i) => `aws:PrincipalTag/k${i}`);
        const cond: Record<string, Record<string, string | string[]>> = {
            StringNotEquals: {},
            StringEquals: {},
        };
        for (const k of keys) cond.StringNotEquals[k] = ["a", "b", "c", "d", "e"];
        cond.StringEquals["aws:PrincipalTag/all"] = keys.map((k) => `\${${k}}`).join("-");
        const doc = parsePolicyDocument({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: cond },
            ],
        });
        const findings = findPublicAccess(doc, { actions: ["sts:AssumeRole"] });
        assert.strictEqual(findings.length, 1);
        assert.strictEqual(findings[0].witness.undecided, true);
    });
});
