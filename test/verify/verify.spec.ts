import * as assert from "assert";
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import {
    IAMClient,
    ListOrganizationsFeaturesCommand,
    SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import {
    ListAWSServiceAccessForOrganizationCommand,
    ListDelegatedAdministratorsCommand,
    ListRootsCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
    AssumeRoleCommand,
    GetCallerIdentityCommand,
    GetSessionTokenCommand,
    STSClient,
} from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../cli/command";
import { main, parseArgs } from "../../verify/cli";
import { verify, type AwsCredentialIdentityProvider } from "../../verify/run";
import { securityStackText } from "../helpers";
import { exampleProject } from "../helpers/preview";

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const cloudtrail = mockClient(CloudTrailClient);
const organizations = mockClient(OrganizationsClient);
const creds = {
    AccessKeyId: "ASIAEXAMPLE",
    SecretAccessKey: "secret",
    SessionToken: "token",
    Expiration: new Date("2030-01-01T00:00:00Z"),
};
const denied = (message: string) => Object.assign(new Error(message), { name: "AccessDenied" });
const ROLE = (id: string) => `arn:aws:iam::${id}:role/SecurityAuditRole`;

const staticCreds: (profile?: string) => AwsCredentialIdentityProvider = () => async () => ({
    accessKeyId: "AKIAEXAMPLE",
    secretAccessKey: "secret",
});

/**
 * The stack files verify reads unless a test gives its own: example-like fixtures with the test ids,
 * never the repository's own Pulumi.<stack>.yaml, which are the user's to edit.
 */
const PROJECT = exampleProject();

async function run(
    argv: string[],
    credentials = staticCreds,
    ask: (q: string) => Promise<string> = async () => {
        throw new Error("no terminal in tests");
    },
) {
    let out = "";
    let err = "";
    const files = [
        ...(argv.includes("--config-file")
            ? []
            : ["--config-file", path.join(PROJECT, "Pulumi.workload.yaml")]),
        ...(argv.includes("--security-config-file")
            ? []
            : ["--security-config-file", path.join(PROJECT, "Pulumi.security.yaml")]),
    ];
    const code = await main(
        [...argv, ...files],
        { write: (s: string) => (out += s) },
        { write: (s: string) => (err += s) },
        credentials,
        ask,
    );
    return { code, out, err };
}

/** A security stack file, with or without guardrails, in its own folder. */
function securityFile(guardrails: boolean): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-verify-"));
    const file = path.join(dir, "Pulumi.security.yaml");
    fs.writeFileSync(
        file,
        securityStackText(
            guardrails
                ? [
                      "  org-access:guardrails:",
                      "    targets: [r-abcd1234]",
                      "  org-access:breakGlass:",
                      "    users: [dana-breakglass]",
                  ]
                : [],
        ),
    );
    return file;
}

const scpRoot = (status?: string) => ({
    Roots: [
        {
            Id: "r-abcd1234",
            Arn: "arn:aws:organizations::123456789012:root/o-abcdefghij/r-abcd1234",
            Name: "Root",
            PolicyTypes: status
                ? [{ Type: "SERVICE_CONTROL_POLICY" as const, Status: status as "ENABLED" }]
                : [],
        },
    ],
});

/** A root with both SCPs and RCPs enabled, as the example security stack needs it. */
const enabledRoot = () => ({
    Roots: [
        {
            ...scpRoot("ENABLED").Roots[0],
            PolicyTypes: [
                { Type: "SERVICE_CONTROL_POLICY" as const, Status: "ENABLED" as const },
                { Type: "RESOURCE_CONTROL_POLICY" as const, Status: "ENABLED" as const },
            ],
        },
    ],
});

/** IAM's simulator as a correctly deployed audit role answers it. */
function simulatorAnswers(allowed: (action: string) => boolean) {
    iam.on(SimulatePrincipalPolicyCommand).callsFake((input) => ({
        EvaluationResults: [
            {
                EvalActionName: input.ActionNames[0],
                EvalDecision: allowed(input.ActionNames[0]) ? "allowed" : "explicitDeny",
                MatchedStatements: [
                    {
                        SourcePolicyId: allowed(input.ActionNames[0])
                            ? "SecurityAudit"
                            : "org-access-explicit-deny",
                    },
                ],
            },
        ],
    }));
}

describe("verify (online, with aws-sdk-client-mock)", () => {
    beforeEach(() => {
        sts.reset();
        iam.reset();
        cloudtrail.reset();
        organizations.reset();
        // The example security stack attaches SCPs and RCPs: both types enabled.
        organizations.on(ListRootsCommand).resolves(enabledRoot());
        // Pulumi.security.yaml centralizes root access: by default, it is on.
        organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({
            EnabledServicePrincipals: [{ ServicePrincipal: "iam.amazonaws.com" }],
        });
        iam.on(ListOrganizationsFeaturesCommand).resolves({
            EnabledFeatures: ["RootCredentialsManagement", "RootSessions"],
        });
        // ...and IAM has no delegated administrator, as the proofs assume.
        organizations
            .on(ListDelegatedAdministratorsCommand)
            .resolves({ DelegatedAdministrators: [] });
        sts.on(GetCallerIdentityCommand).resolves({
            Arn: "arn:aws:iam::111122223333:user/org-access/alice",
            Account: "111122223333",
            UserId: "AIDAEXAMPLE",
        });
        cloudtrail.on(LookupEventsCommand).callsFake(() => ({
            Events: [
                {
                    EventName: "AssumeRole",
                    EventTime: new Date("2026-11-23T10:00:00Z"),
                    Resources: [{ ResourceName: ROLE("777788889999") }],
                },
            ],
        }));
    });

    it("proves MFA access as a human: refused without MFA, allowed with an MFA session, permissions simulated, events found", async () => {
        sts.on(GetSessionTokenCommand).resolves({ Credentials: creds });
        // Per account: first the attempt with the caller's own credentials, then with the MFA session.
        sts.on(AssumeRoleCommand)
            .rejectsOnce(denied("User is not authorized to perform: sts:AssumeRole"))
            .resolvesOnce({
                Credentials: creds,
                AssumedRoleUser: {
                    Arn: "arn:aws:sts::777788889999:assumed-role/SecurityAuditRole/s",
                    AssumedRoleId: "AROA:s",
                },
            });
        simulatorAnswers((a) => a === "ec2:DescribeInstances");
        const r = await run([
            "--accounts",
            "prod",
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/alice",
            "--token-code",
            "123456",
            "--json",
        ]);
        assert.strictEqual(r.code, 0, r.err + r.out);
        const result = JSON.parse(r.out);
        assert.strictEqual(result.caller.arn, "arn:aws:iam::111122223333:user/org-access/alice");
        const verdicts = Object.fromEntries(
            result.evidence.map((e: any) => [e.scenario, [e.expected, e.simulated]]),
        );
        assert.deepStrictEqual(verdicts["assume-without-mfa"], ["denied", "denied"]);
        assert.deepStrictEqual(verdicts["assume-with-mfa"], ["allowed", "allowed"]);
        assert.deepStrictEqual(verdicts["read-action"], ["allowed", "allowed"]);
        assert.deepStrictEqual(verdicts["iam-write"], ["denied", "denied"]);
        assert.deepStrictEqual(verdicts["data-read-s3-without-mfa-context"], ["denied", "denied"]);
        for (const e of result.evidence)
            assert.deepStrictEqual(Object.keys(e), [
                "accountId",
                "role",
                "scenario",
                "expected",
                "simulated",
                "reason",
            ]);
        assert.deepStrictEqual(result.cloudtrail, [
            {
                accountId: "777788889999",
                role: "SecurityAuditRole",
                events: 1,
                latest: "2026-11-23T10:00:00.000Z",
            },
        ]);
        // One MFA code, one GetSessionToken; the role ARNs come from the stack file.
        assert.strictEqual(sts.commandCalls(GetSessionTokenCommand).length, 1);
        assert.deepStrictEqual(sts.commandCalls(GetSessionTokenCommand)[0].args[0].input, {
            SerialNumber: "arn:aws:iam::111122223333:mfa/alice",
            TokenCode: "123456",
            DurationSeconds: 900,
        });
        assert.deepStrictEqual(
            sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn),
            [ROLE("777788889999"), ROLE("777788889999")],
        );
        const sim = iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
        assert.strictEqual(sim.length, 8);
        assert.deepStrictEqual(sim[0].ContextEntries, [
            {
                ContextKeyName: "aws:MultiFactorAuthPresent",
                ContextKeyType: "boolean",
                ContextKeyValues: ["true"],
            },
        ]);
        assert.deepStrictEqual(sim[4].ContextEntries?.[0].ContextKeyValues, ["false"]);
        assert.ok(sim.every((s) => s.PolicySourceArn === ROLE("777788889999")));
    });

    it("reports from the files it checked: the plan and the config hashes take --security-config-file and every stack file beside it", async () => {
        sts.on(GetSessionTokenCommand).resolves({ Credentials: creds });
        sts.on(AssumeRoleCommand)
            .rejectsOnce(denied("User is not authorized to perform: sts:AssumeRole"))
            .resolvesOnce({
                Credentials: creds,
                AssumedRoleUser: {
                    Arn: "arn:aws:sts::777788889999:assumed-role/SecurityAuditRole/s",
                    AssumedRoleId: "AROA:s",
                },
            });
        simulatorAnswers((a) => a === "ec2:DescribeInstances");
        // A project of its own, its security file made unlike any other by a comment.
        const project = exampleProject();
        const security = path.join(project, "Pulumi.security.yaml");
        fs.appendFileSync(security, `# verify report test ${path.basename(project)}\n`);
        const workload = path.join(project, "Pulumi.workload.yaml");
        const extra = path.join(project, "Pulumi.workload-eu.yaml");
        fs.writeFileSync(extra, "config: {}\n");
        const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "verify-report-")), "r.md");
        const r = await run([
            "--accounts",
            "prod",
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/alice",
            "--token-code",
            "123456",
            "--config-file",
            workload,
            "--security-config-file",
            security,
            "--report",
            report,
        ]);
        assert.strictEqual(r.code, 0, r.err + r.out);
        const md = fs.readFileSync(report, "utf8");
        const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
        for (const f of [workload, security, extra])
            assert.ok(
                md.includes(`| \`${f}\` | \`${sha(f)}\` |`),
                `${f} hashed:\n${md.slice(0, 2500)}`,
            );
        // Planned from that project: its security account's people, not the repository's files.
        assert.match(md, /\| `prod` \(777788889999\) \|/);
    });

    it("never writes to AWS: only identity, session, assume, simulate and lookup calls are made", async () => {
        sts.on(GetSessionTokenCommand).resolves({ Credentials: creds });
        sts.on(AssumeRoleCommand).callsFake(() => {
            throw denied("denied");
        });
        simulatorAnswers(() => false);
        await run([
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/alice",
            "--token-code",
            "123456",
        ]);
        const names = [
            ...organizations.calls(),
            ...sts.calls(),
            ...iam.calls(),
            ...cloudtrail.calls(),
        ].map((c) => (c.args[0] as object).constructor.name);
        assert.ok(names.length > 0);
        for (const n of names)
            assert.match(
                n,
                /^(ListRoots|ListAWSServiceAccessForOrganization|ListDelegatedAdministrators|ListOrganizationsFeatures|GetCallerIdentity|GetSessionToken|AssumeRole|SimulatePrincipalPolicy|LookupEvents)Command$/,
            );
    });

    it("fails (exit 1) when the role can be assumed without MFA", async () => {
        sts.on(AssumeRoleCommand).resolves({
            Credentials: creds,
            AssumedRoleUser: {
                Arn: "arn:aws:sts::777788889999:assumed-role/SecurityAuditRole/s",
                AssumedRoleId: "AROA:s",
            },
        });
        simulatorAnswers((a) => a === "ec2:DescribeInstances");
        const r = await run(["--accounts", "prod"]);
        assert.strictEqual(r.code, 1);
        assert.match(
            r.out,
            /FAIL {2}777788889999 SecurityAuditRole assume-without-mfa: allowed \(expected denied\)/,
        );
        assert.match(
            r.out,
            /skip {2}777788889999 SecurityAuditRole assume-with-mfa: pass --mfa-serial and --token-code to attempt it/,
        );
        // The last line is the verdict, counted as the lines above it count.
        const [, held, all] = /^verified: (\d+) of (\d+) scenarios as expected$/m.exec(r.out)!;
        const skipped = r.out.match(/^ {2}skip /gm)?.length ?? 0;
        assert.ok(Number(held) < Number(all) && skipped > 0);
        assert.strictEqual(
            r.out.trimEnd().split("\n").at(-1),
            `failed: 1 account, ${held}/${all} scenarios, ${skipped} skipped`,
        );
    });

    it("proves programmatic access: the right ExternalId works, a wrong or missing one does not", async () => {
        sts.on(AssumeRoleCommand).callsFake((input) => {
            if (input.ExternalId === "the-external-id")
                return {
                    Credentials: creds,
                    AssumedRoleUser: {
                        Arn: "arn:aws:sts::777788889999:assumed-role/SecurityAuditRole/r",
                        AssumedRoleId: "AROA:r",
                    },
                };
            throw denied("not authorized");
        });
        simulatorAnswers((a) => a === "ec2:DescribeInstances");
        const r = await run(["--accounts", "prod", "--external-id", "the-external-id", "--json"]);
        assert.strictEqual(r.code, 0, r.err);
        const verdicts = Object.fromEntries(
            JSON.parse(r.out).evidence.map((e: any) => [e.scenario, e.simulated]),
        );
        assert.strictEqual(verdicts["assume-programmatic-external-id"], "allowed");
        assert.strictEqual(verdicts["assume-programmatic-wrong-external-id"], "denied");
        assert.strictEqual(verdicts["assume-programmatic-no-external-id"], "denied");
        assert.deepStrictEqual(
            sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.ExternalId),
            ["the-external-id", "the-external-id-wrong", undefined],
        );
    });

    it("exits 2 and says what is missing without credentials", async () => {
        const none = () => async () => {
            throw Object.assign(new Error("Could not load credentials from any providers"), {
                name: "CredentialsProviderError",
            });
        };
        sts.on(GetCallerIdentityCommand).callsFake(() => {
            throw Object.assign(new Error("Could not load credentials from any providers"), {
                name: "CredentialsProviderError",
            });
        });
        const r = await run([], none);
        assert.strictEqual(r.code, 2);
        assert.match(
            r.err,
            /^no AWS credentials were found: pass --profile NAME, or set AWS_PROFILE/,
        );
    });

    it("exits 2 when the role's session may not simulate its own policies", async () => {
        sts.on(GetSessionTokenCommand).resolves({ Credentials: creds });
        sts.on(AssumeRoleCommand)
            .rejectsOnce(denied("no"))
            .resolvesOnce({
                Credentials: creds,
                AssumedRoleUser: { Arn: "x", AssumedRoleId: "y" },
            });
        iam.on(SimulatePrincipalPolicyCommand).rejects(
            denied("not authorized to perform: iam:SimulatePrincipalPolicy"),
        );
        const r = await run([
            "--accounts",
            "prod",
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/alice",
            "--token-code",
            "123456",
        ]);
        assert.strictEqual(r.code, 2);
        assert.match(
            r.err,
            /the session of arn:aws:iam::777788889999:role\/SecurityAuditRole may not call iam:SimulatePrincipalPolicy/,
        );
    });

    it("exits 2 when the MFA code is refused", async () => {
        sts.on(GetSessionTokenCommand).rejects(
            denied("MultiFactorAuthentication failed with invalid MFA one time pass code."),
        );
        const r = await run([
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/alice",
            "--token-code",
            "000000",
        ]);
        assert.strictEqual(r.code, 2);
        assert.match(
            r.err,
            /sts:GetSessionToken with MFA device arn:aws:iam::111122223333:mfa\/alice was refused/,
        );
    });

    describe("the SCP prerequisite (organizations:ListRoots), before anything else", () => {
        for (const status of [undefined, "PENDING_ENABLE", "PENDING_DISABLE"])
            it(`exits 2 with the enable-policy-type command when SCPs are ${status ?? "not enabled"} on the root, before any STS call`, async () => {
                organizations.on(ListRootsCommand).resolves(scpRoot(status));
                const r = await run(["--security-config-file", securityFile(true)]);
                assert.strictEqual(r.code, 2, r.out);
                assert.ok(
                    r.err.includes(
                        `the SERVICE_CONTROL_POLICY policy type is not enabled on root r-abcd1234 (${status ?? "NOT_ENABLED"})`,
                    ),
                    r.err,
                );
                assert.ok(
                    r.err.includes(
                        "aws organizations enable-policy-type --root-id r-abcd1234 --policy-type SERVICE_CONTROL_POLICY",
                    ),
                    r.err,
                );
                assert.match(r.err, /PolicyTypeNotEnabledException/);
                assert.strictEqual(sts.calls().length, 0, "nothing else runs before the check");
            });

        it("checks first and reports the root when SCPs are enabled; pages through every root", async () => {
            const order: string[] = [];
            organizations.on(ListRootsCommand).callsFake((input) => {
                order.push(`ListRoots:${input.NextToken ?? ""}`);
                return input.NextToken ? scpRoot("ENABLED") : { Roots: [], NextToken: "page-2" };
            });
            sts.on(GetCallerIdentityCommand).callsFake(() => {
                order.push("GetCallerIdentity");
                return {
                    Arn: "arn:aws:iam::111122223333:user/org-access/alice",
                    Account: "111122223333",
                };
            });
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const r = await run([
                "--accounts",
                "prod",
                "--security-config-file",
                securityFile(true),
                "--json",
            ]);
            assert.strictEqual(r.code, 0, r.err);
            assert.deepStrictEqual(order.slice(0, 3), [
                "ListRoots:",
                "ListRoots:page-2",
                "GetCallerIdentity",
            ]);
            assert.deepStrictEqual(JSON.parse(r.out).organization, {
                roots: [{ id: "r-abcd1234", serviceControlPolicies: "ENABLED" }],
            });
            const text = await run([
                "--accounts",
                "prod",
                "--security-config-file",
                securityFile(true),
            ]);
            assert.match(
                text.out,
                /^organization: service control policies enabled on r-abcd1234$/m,
            );
        });

        it("checks the RCP type too when the security stack attaches RCPs, every type that is off in one message", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-verify-"));
            const file = path.join(dir, "Pulumi.security.yaml");
            fs.writeFileSync(
                file,
                securityStackText([
                    "  org-access:guardrails:",
                    "    targets: [r-abcd1234]",
                    "  org-access:breakGlass:",
                    "    users: [dana-breakglass]",
                    "  org-access:resourceControlPolicies:",
                    "    targets: [r-abcd1234]",
                ]),
            );
            organizations.on(ListRootsCommand).resolves(scpRoot(undefined));
            const off = await run(["--security-config-file", file]);
            assert.strictEqual(off.code, 2, off.out);
            for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"])
                assert.ok(
                    off.err.includes(
                        `aws organizations enable-policy-type --root-id r-abcd1234 --policy-type ${type}`,
                    ),
                    off.err,
                );
            assert.strictEqual(sts.calls().length, 0, "nothing else runs before the check");
            // SCPs enabled, RCPs not: only the RCP type is named.
            organizations.on(ListRootsCommand).resolves(scpRoot("ENABLED"));
            const rcpOff = await run(["--security-config-file", file]);
            assert.strictEqual(rcpOff.code, 2);
            assert.match(
                rcpOff.err,
                /^the RESOURCE_CONTROL_POLICY policy type is not enabled on root r-abcd1234 \(NOT_ENABLED\), so attaching the resource control policies would fail/,
            );
            assert.ok(!rcpOff.err.includes("--policy-type SERVICE_CONTROL_POLICY"), rcpOff.err);
            // Both enabled: reported, and the checks go on.
            organizations.on(ListRootsCommand).resolves(enabledRoot());
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const ok = await run(["--accounts", "prod", "--security-config-file", file, "--json"]);
            assert.strictEqual(ok.code, 0, ok.err);
            assert.deepStrictEqual(JSON.parse(ok.out).organization, {
                roots: [
                    {
                        id: "r-abcd1234",
                        serviceControlPolicies: "ENABLED",
                        resourceControlPolicies: "ENABLED",
                    },
                ],
            });
            const text = await run(["--accounts", "prod", "--security-config-file", file]);
            assert.match(
                text.out,
                /^organization: resource control policies enabled on r-abcd1234$/m,
            );
        });

        it("does not check without guardrails in the security stack", async () => {
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const r = await run([
                "--accounts",
                "prod",
                "--security-config-file",
                securityFile(false),
                "--json",
            ]);
            assert.strictEqual(r.code, 0, r.err);
            assert.strictEqual(organizations.calls().length, 0);
            assert.strictEqual(JSON.parse(r.out).organization, undefined);
        });

        it("exits 2 and names --org-profile when the caller may not list roots; --org-profile is used for the check only", async () => {
            organizations.on(ListRootsCommand).rejects(
                Object.assign(new Error("You don't have permissions to access this resource."), {
                    name: "AccessDeniedException",
                }),
            );
            const r = await run(["--security-config-file", securityFile(true)]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /organizations:ListRoots was refused .*pass --org-profile/);
            assert.strictEqual(sts.calls().length, 0);

            organizations.on(ListRootsCommand).resolves(scpRoot("ENABLED"));
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const asked: (string | undefined)[] = [];
            const creds = (profile?: string) => {
                asked.push(profile);
                return staticCreds(profile);
            };
            const ok = await run(
                [
                    "--accounts",
                    "prod",
                    "--profile",
                    "me",
                    "--org-profile",
                    "mgmt",
                    "--security-config-file",
                    securityFile(true),
                ],
                creds,
            );
            assert.strictEqual(ok.code, 0, ok.err);
            assert.deepStrictEqual(asked, ["me", "mgmt"]);
        });
    });

    it("works with aws login credentials: no GetSessionToken, MFA sent with each AssumeRole, a fresh code per account", async () => {
        sts.on(AssumeRoleCommand).callsFake((input) => {
            if (!input.SerialNumber || !/^\d{6}$/.test(input.TokenCode ?? ""))
                throw denied("MFA required");
            const account = input.RoleArn.split(":")[4];
            return {
                Credentials: creds,
                AssumedRoleUser: {
                    Arn: `arn:aws:sts::${account}:assumed-role/SecurityAuditRole/alice`,
                    AssumedRoleId: "AROA:alice",
                },
            };
        });
        simulatorAnswers((a) => a === "ec2:DescribeInstances");
        const questions: string[] = [];
        const r = await run(
            [
                "--accounts",
                "prod,staging",
                "--profile",
                "org-access-login",
                "--aws-login",
                "--mfa-serial",
                "arn:aws:iam::111122223333:mfa/alice-phone",
                "--token-code",
                "111111",
                "--json",
            ],
            staticCreds,
            async (q) => {
                questions.push(q);
                return "222222";
            },
        );
        assert.strictEqual(r.code, 0, r.err);
        assert.strictEqual(sts.commandCalls(GetSessionTokenCommand).length, 0);
        assert.deepStrictEqual(
            sts
                .commandCalls(AssumeRoleCommand)
                .map((c) => [
                    c.args[0].input.RoleArn,
                    c.args[0].input.SerialNumber,
                    c.args[0].input.TokenCode,
                ]),
            [
                [ROLE("777788889999"), "arn:aws:iam::111122223333:mfa/alice-phone", "111111"],
                [ROLE("555555555555"), "arn:aws:iam::111122223333:mfa/alice-phone", "222222"],
            ],
        );
        assert.deepStrictEqual(questions, [
            "MFA code for staging (a new one; STS accepts each code once): ",
        ]);
        const result = JSON.parse(r.out);
        const withMfa = result.evidence.filter((e: any) => e.scenario === "assume-with-mfa");
        assert.deepStrictEqual(
            withMfa.map((e: any) => [e.accountId, e.simulated]),
            [
                ["777788889999", "allowed"],
                ["555555555555", "allowed"],
            ],
        );
        assert.ok(!result.evidence.some((e: any) => e.scenario === "assume-without-mfa"));
        assert.ok(
            result.skipped.some(
                (s: any) => s.scenario === "assume-without-mfa" && /aws login/.test(s.reason),
            ),
        );
    });

    it("with aws login, a refused MFA code exits 2 and asks for a fresh one", async () => {
        sts.on(AssumeRoleCommand).rejects(
            denied("MultiFactorAuthentication failed with invalid MFA one time pass code."),
        );
        const r = await run([
            "--accounts",
            "prod",
            "--aws-login",
            "--mfa-serial",
            "arn:aws:iam::111122223333:mfa/alice-phone",
            "--token-code",
            "123456",
        ]);
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /the MFA code for account prod was refused .*use a fresh code/);
    });

    it("simulates the permission scenarios on resources of the target's partition (GovCloud), not arn:aws:", async () => {
        const govRole = "arn:aws-us-gov:iam::777788889999:role/SecurityAuditRole";
        sts.on(AssumeRoleCommand).resolves({
            Credentials: creds,
            AssumedRoleUser: {
                Arn: "arn:aws-us-gov:sts::777788889999:assumed-role/SecurityAuditRole/s",
                AssumedRoleId: "AROA:s",
            },
        });
        simulatorAnswers((a) => a === "ec2:DescribeInstances");
        await verify({
            region: "us-gov-west-1",
            targets: [
                {
                    account: "prod",
                    accountId: "777788889999",
                    roleArn: govRole,
                    roleName: "SecurityAuditRole",
                },
            ],
            credentials: staticCreds(),
            // A program's path: the session the scenarios are simulated with, without MFA codes.
            externalId: "reporter-external-id",
            sessionSeconds: 900,
            now: () => new Date("2026-11-23T12:00:00Z"),
        });
        const sim = iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
        assert.ok(sim.length > 0, "no simulation");
        assert.ok(sim.every((s) => s.PolicySourceArn === govRole));
        assert.deepStrictEqual([...new Set(sim.flatMap((s) => s.ResourceArns ?? []))].sort(), [
            "*",
            "arn:aws-us-gov:iam::777788889999:user/evidence",
            "arn:aws-us-gov:s3:::evidence-bucket/evidence-object",
            "arn:aws-us-gov:secretsmanager:*:777788889999:secret:evidence",
        ]);
    });

    it("validates its arguments", async () => {
        assert.throws(
            () => parseArgs(["--token-code", "123456"]),
            /--mfa-serial and --token-code go together/,
        );
        assert.throws(() => parseArgs(["--mfa-serial", "x", "--token-code", "12ab"]), /6 digits/);
        assert.throws(() => parseArgs(["--stack", "security"]), UsageError);
        assert.throws(
            () => parseArgs(["--external-id", "x", "--mfa-serial", "m", "--token-code", "123456"]),
            /not both/,
        );
        assert.throws(
            () => parseArgs(["--aws-login", "--external-id", "x"]),
            /--aws-login is for people/,
        );
        const r = await run(["--accounts", "nope"]);
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /--accounts names accounts that are not in the stack: nope/);
        assert.strictEqual(sts.calls().length, 0, "nothing is sent before the input is valid");
    });
    describe("centralized root access (rootAccess: centralized), before any STS call", () => {
        const rootFile = () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-verify-"));
            const file = path.join(dir, "Pulumi.security.yaml");
            fs.writeFileSync(file, securityStackText(["  org-access:rootAccess: centralized"]));
            return file;
        };
        const serviceAccess = (...principals: string[]) => ({
            EnabledServicePrincipals: principals.map((p) => ({ ServicePrincipal: p })),
        });

        it("reads trusted access (every page) and the features, then goes on; only reads", async () => {
            const order: string[] = [];
            organizations.on(ListAWSServiceAccessForOrganizationCommand).callsFake((input) => {
                order.push(`ListAWSServiceAccess:${input.NextToken ?? ""}`);
                return input.NextToken
                    ? serviceAccess("iam.amazonaws.com")
                    : { ...serviceAccess("cloudtrail.amazonaws.com"), NextToken: "page-2" };
            });
            iam.on(ListOrganizationsFeaturesCommand).callsFake(() => {
                order.push("ListOrganizationsFeatures");
                return {
                    OrganizationId: "o-abcdefghij",
                    EnabledFeatures: ["RootCredentialsManagement", "RootSessions"],
                };
            });
            sts.on(AssumeRoleCommand).callsFake(() => {
                order.push("AssumeRole");
                throw denied("no");
            });
            const r = await run(["--accounts", "prod", "--security-config-file", rootFile()]);
            assert.strictEqual(r.code, 0, r.err);
            assert.match(
                r.out,
                /^root access: centralized \(trusted access for IAM; RootCredentialsManagement, RootSessions\)$/m,
            );
            assert.deepStrictEqual(order.slice(0, 4), [
                "ListAWSServiceAccess:",
                "ListAWSServiceAccess:page-2",
                "ListOrganizationsFeatures",
                "AssumeRole",
            ]);
            for (const c of [...organizations.calls(), ...iam.calls()])
                assert.match(
                    c.args[0].constructor.name,
                    /^(ListAWSServiceAccessForOrganization|ListDelegatedAdministrators|ListOrganizationsFeatures|SimulatePrincipalPolicy)Command$/,
                );
        });

        it("exits 1 and gives the command for each feature or trusted access that is off", async () => {
            organizations
                .on(ListAWSServiceAccessForOrganizationCommand)
                .resolves(serviceAccess("cloudtrail.amazonaws.com"));
            iam.on(ListOrganizationsFeaturesCommand).resolves({
                EnabledFeatures: ["RootCredentialsManagement"],
            });
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const r = await run([
                "--accounts",
                "prod",
                "--security-config-file",
                rootFile(),
                "--json",
            ]);
            assert.strictEqual(r.code, 1);
            const { rootAccess } = JSON.parse(r.out);
            assert.deepStrictEqual(rootAccess, {
                iamTrustedAccess: false,
                enabledFeatures: ["RootCredentialsManagement"],
                missing: [
                    "trusted access for IAM (aws organizations enable-aws-service-access --service-principal iam.amazonaws.com)",
                    "RootSessions (aws iam enable-organizations-root-sessions, or pulumi up)",
                ],
                iamDelegatedAdministrators: [],
            });
            // Without trusted access, IAM refuses to list the features: both are reported off.
            iam.on(ListOrganizationsFeaturesCommand).rejects(
                Object.assign(new Error("not enabled"), {
                    name: "ServiceAccessNotEnabledException",
                }),
            );
            const text = await run(["--accounts", "prod", "--security-config-file", rootFile()]);
            assert.strictEqual(text.code, 1);
            assert.match(text.out, /^FAIL {2}root access: not on: RootCredentialsManagement /m);
            assert.match(text.out, /^FAIL {2}root access: not on: RootSessions /m);
        });

        it("exits 1 naming IAM's delegated administrator (every page) and what to do: the proofs assume the management account alone may call sts:AssumeRoot", async () => {
            organizations.on(ListDelegatedAdministratorsCommand).callsFake((input) => {
                assert.strictEqual(input.ServicePrincipal, "iam.amazonaws.com");
                return input.NextToken
                    ? { DelegatedAdministrators: [{ Id: "444455556666" }] }
                    : {
                          DelegatedAdministrators: [{ Id: "210987654321", Name: "tools" }],
                          NextToken: "page-2",
                      };
            });
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const r = await run(["--accounts", "prod", "--security-config-file", rootFile()]);
            assert.strictEqual(r.code, 1, r.err);
            assert.match(
                r.out,
                /^FAIL {2}root access: account 210987654321 \(tools\) is IAM's delegated administrator, so its principals may call sts:AssumeRoot .*aws organizations deregister-delegated-administrator --account-id 210987654321 --service-principal iam\.amazonaws\.com/m,
            );
            assert.match(r.out, /^FAIL {2}root access: account 444455556666 is IAM's delegated/m);
            const json = await run([
                "--accounts",
                "prod",
                "--security-config-file",
                rootFile(),
                "--json",
            ]);
            assert.strictEqual(json.code, 1);
            assert.deepStrictEqual(JSON.parse(json.out).rootAccess.iamDelegatedAdministrators, [
                { id: "210987654321", name: "tools" },
                { id: "444455556666" },
            ]);
        });

        for (const name of [
            "AccountNotManagementOrDelegatedAdministratorException",
            "OrganizationNotFoundException",
        ])
            it(`exits 2 and names --org-profile when IAM answers ${name} (a member account's credentials)`, async () => {
                iam.on(ListOrganizationsFeaturesCommand).rejects(
                    Object.assign(new Error("not the management account"), { name }),
                );
                const r = await run(["--security-config-file", rootFile()]);
                assert.strictEqual(r.code, 2, r.out);
                assert.match(
                    r.err,
                    new RegExp(
                        `iam:ListOrganizationsFeatures answered ${name} .*Pass --org-profile with the management account's credentials`,
                    ),
                );
                assert.strictEqual(sts.calls().length, 0);
            });

        it("exits 2 and names --org-profile when the caller may not read the organization", async () => {
            organizations
                .on(ListAWSServiceAccessForOrganizationCommand)
                .rejects(Object.assign(new Error("no"), { name: "AccessDeniedException" }));
            const r = await run(["--security-config-file", rootFile()]);
            assert.strictEqual(r.code, 2);
            assert.match(
                r.err,
                /organizations:ListAWSServiceAccessForOrganization was refused .*pass --org-profile/,
            );
            assert.strictEqual(sts.calls().length, 0);
        });

        it("does not check when the security stack leaves root access as it is", async () => {
            sts.on(AssumeRoleCommand).rejects(denied("no"));
            const r = await run([
                "--accounts",
                "prod",
                "--security-config-file",
                securityFile(false),
                "--json",
            ]);
            assert.strictEqual(r.code, 0, r.err);
            assert.strictEqual(iam.commandCalls(ListOrganizationsFeaturesCommand).length, 0);
            assert.strictEqual(JSON.parse(r.out).rootAccess, undefined);
        });
    });
});
