/**
 * The witness search describes only requests AWS can receive (policypack/iam/requestShape.ts):
 * per kind of principal, the calls it can make and the context keys it can carry, and the
 * messages of iam-no-wildcard-principal that follow from it for anonymous callers, AWS accounts,
 * services and web identities.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoWildcardPrincipal } from "../../policypack/policies";
import { findAllowWitness, parsePolicyDocument, RequestPrincipal } from "../../policypack/iam";
import { federationFix } from "../../policypack/iam/oidc";
import { classifyFederatedPrincipal } from "../../policypack/iam/principals";
import { keyAbsentFor, principalCanCall } from "../../policypack/iam/requestShape";
import { Json, policyDoc, runResourcePolicy } from "./helpers";

const ANONYMOUS: RequestPrincipal = { type: "anonymous" };
const SERVICE: RequestPrincipal = { type: "service", service: "cognito-idp.amazonaws.com" };
const WEB: RequestPrincipal = { type: "federated", provider: "accounts.google.com" };
const USER: RequestPrincipal = {
    type: "aws",
    kind: "user",
    arn: "arn:aws:iam::210987654321:user/outsider",
    account: "210987654321",
    partition: "aws",
    name: "outsider",
};

async function violations(type: "trust" | "bucket", statement: Json): Promise<string[]> {
    const doc = policyDoc(statement);
    const run = (d: unknown) =>
        type === "trust"
            ? runResourcePolicy(iamNoWildcardPrincipal, aws.iam.Role, { assumeRolePolicy: d })
            : runResourcePolicy(iamNoWildcardPrincipal, aws.s3.BucketPolicy, {
                  bucket: "b",
                  policy: d,
              });
    const asObject = (await run(doc)).violations;
    // The JSON-string encoding says the same.
    assert.deepStrictEqual((await run(JSON.stringify(doc))).violations, asObject);
    return asObject;
}

describe("iam model: requests by kind of principal", () => {
    it("lets only AWS principals and services call sts:AssumeRole, only web identities the federation calls", () => {
        for (const action of ["sts:AssumeRole", "STS:assumerole"]) {
            assert.ok(!principalCanCall(ANONYMOUS, action));
            assert.ok(!principalCanCall(WEB, action));
            assert.ok(principalCanCall(USER, action));
            assert.ok(principalCanCall(SERVICE, action));
        }
        for (const action of ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]) {
            assert.ok(principalCanCall(WEB, action));
            for (const p of [ANONYMOUS, USER, SERVICE]) assert.ok(!principalCanCall(p, action));
        }
        for (const p of [ANONYMOUS, USER, SERVICE]) assert.ok(principalCanCall(p, "s3:GetObject"));
        // A web identity only federates (and tags its session); S3 sees the role session.
        assert.ok(!principalCanCall(WEB, "s3:GetObject"));
        assert.ok(principalCanCall(WEB, "sts:TagSession"));
        assert.ok(principalCanCall(USER, "sts:TagSession"));
    });

    it("keeps MFA, sts:ExternalId, token claims and session keys off principals that never send them", () => {
        const absent = (p: RequestPrincipal) =>
            [
                "aws:multifactorauthpresent",
                "aws:multifactorauthage",
                "sts:externalid",
                "accounts.google.com:aud",
                "token.actions.githubusercontent.com:sub",
                "saml:aud",
                "aws:principalorgid",
                "aws:principaltag/team",
            ].filter((k) => keyAbsentFor(p, k));
        assert.deepStrictEqual(absent(ANONYMOUS), [
            "aws:multifactorauthpresent",
            "aws:multifactorauthage",
            "sts:externalid",
            "accounts.google.com:aud",
            "token.actions.githubusercontent.com:sub",
            "saml:aud",
            "aws:principalorgid",
            "aws:principaltag/team",
        ]);
        // A service may send sts:ExternalId (Cognito's SMS role), never MFA, claims or org keys.
        assert.deepStrictEqual(absent(SERVICE), [
            "aws:multifactorauthpresent",
            "aws:multifactorauthage",
            "accounts.google.com:aud",
            "token.actions.githubusercontent.com:sub",
            "saml:aud",
            "aws:principalorgid",
            "aws:principaltag/team",
        ]);
        assert.deepStrictEqual(absent(WEB), [
            "aws:multifactorauthpresent",
            "aws:multifactorauthage",
            "sts:externalid",
        ]);
        assert.deepStrictEqual(absent(USER), []);
        // Keys AWS sets for everyone stay choosable.
        for (const p of [ANONYMOUS, SERVICE, WEB, USER])
            for (const k of [
                "aws:sourceip",
                "aws:securetransport",
                "kms:encryptioncontext:aws:logs:arn",
            ])
                assert.ok(!keyAbsentFor(p, k), k);
    });

    it("finds no witness an anonymous caller cannot be, and a possible one instead", () => {
        const doc = parsePolicyDocument(
            policyDoc({
                Effect: "Allow",
                Principal: "*",
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "ext-1" } },
            }),
            "trust",
        );
        const scenario = (principals: RequestPrincipal[]) => ({
            principals,
            action: "sts:AssumeRole",
        });
        assert.strictEqual(findAllowWitness(doc, scenario([ANONYMOUS])), undefined);
        assert.strictEqual(findAllowWitness(doc, scenario([WEB])), undefined);
        const w = findAllowWitness(doc, scenario([ANONYMOUS, USER]));
        assert.deepStrictEqual(w?.principal, USER);
        assert.strictEqual(w?.context["sts:externalid"], "ext-1");
        // MFA required: a service's request carries no MFA, a user's can.
        const mfa = parsePolicyDocument(
            policyDoc({
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::b/*",
                Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
            }),
            "resource",
        );
        const get = (principals: RequestPrincipal[]) =>
            findAllowWitness(mfa, {
                principals,
                action: "s3:GetObject",
                resource: "arn:aws:s3:::b/k",
            });
        assert.strictEqual(get([ANONYMOUS, SERVICE, WEB]), undefined);
        assert.strictEqual(get([ANONYMOUS, SERVICE, USER])?.principal, USER);
    });
});

describe("iam-no-wildcard-principal: the caller a message describes can make the request", () => {
    it("trust with sts:ExternalId: never an anonymous caller", async () => {
        for (const principal of ["*", { AWS: "*" }, { AWS: ["*"] }]) {
            const v = await violations("trust", {
                Effect: "Allow",
                Principal: principal,
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "ext-1" } },
            });
            assert.strictEqual(v.length, 1, v.join("\n"));
            assert.doesNotMatch(v[0], /anonymous/);
            assert.match(
                v[0],
                /(the service \S+|arn:aws:iam::\d{12}:\S+) .*with sts:externalid="ext-1" would be allowed/,
            );
        }
    });

    it("trust with MFA: a principal of an outside account with MFA, not an anonymous caller", async () => {
        const v = await violations("trust", {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["sts:AssumeRole"],
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        });
        assert.strictEqual(v.length, 1, v.join("\n"));
        assert.match(
            v[0],
            /arn:aws:iam::\d{12}:\S+ \(account \d{12}, not named in the document\) with aws:multifactorauthpresent="true" would be allowed/,
        );
    });

    it("web-identity trust: a web identity token, and no violation where only MFA would let it in", async () => {
        const open = await violations("trust", {
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRoleWithWebIdentity",
        });
        assert.strictEqual(open.length, 1, open.join("\n"));
        assert.match(
            open[0],
            /a web identity token from accounts\.google\.com \(anyone can obtain one\) would be allowed/,
        );
        // No web-identity request carries aws:MultiFactorAuthPresent: the statement admits nobody.
        assert.deepStrictEqual(
            await violations("trust", {
                Effect: "Allow",
                Principal: "*",
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
            }),
            [],
        );
    });

    it("bucket policy: an anonymous caller with no keys; with MFA required, an AWS principal", async () => {
        const open = await violations("bucket", {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::b/*",
        });
        assert.strictEqual(open.length, 1, open.join("\n"));
        assert.match(open[0], /: an anonymous caller would be allowed/);
        const mfa = await violations("bucket", {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::b/*",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        });
        assert.strictEqual(mfa.length, 1, mfa.join("\n"));
        assert.doesNotMatch(mfa[0], /anonymous|the service/);
        assert.match(mfa[0], /arn:aws:iam::\d{12}:\S+ .*with aws:multifactorauthpresent="true"/);
    });

    it("bucket policy for a service with a token claim: an AWS principal, not a service or anonymous caller", async () => {
        const v = await violations("bucket", {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::b/*",
            Condition: { StringLike: { "accounts.google.com:sub": "*" } },
        });
        assert.strictEqual(v.length, 1, v.join("\n"));
        assert.doesNotMatch(v[0], /anonymous|the service/);
    });
});

describe("iam model: the condition that pins each federated provider (federationFix)", () => {
    it("names each provider's own keys, SAML's audience included", () => {
        const fix = (raw: string) => federationFix(classifyFederatedPrincipal(raw));
        assert.strictEqual(
            fix("arn:aws:iam::111122223333:saml-provider/Okta"),
            'add "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}',
        );
        assert.match(
            fix("cognito-identity.amazonaws.com"),
            /"cognito-identity\.amazonaws\.com:aud": "<identity pool id/,
        );
        assert.match(
            fix("accounts.google.com"),
            /"accounts\.google\.com:aud": "<your Google OAuth client id/,
        );
        assert.match(
            fix("graph.facebook.com"),
            /"graph\.facebook\.com:app_id": "<your Facebook app id>"/,
        );
        assert.match(
            fix("www.amazon.com"),
            /"www\.amazon\.com:app_id": "<your Login with Amazon app id>"/,
        );
        assert.match(
            fix("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"),
            /"token\.actions\.githubusercontent\.com:aud": "sts\.amazonaws\.com"/,
        );
        assert.match(
            fix("arn:aws:iam::111122223333:oidc-provider/login.example.org/tenant"),
            /"login\.example\.org\/tenant:aud": "<the client id registered with the IAM OIDC provider>"/,
        );
    });
});
