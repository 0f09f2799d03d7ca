// logs-immutable: holds on the fixture plans; each protection removed on purpose either leaves
// another one deciding (defence in depth, and the proof still holds) or breaks the proof with the
// principal, action, resource and statements that let it through. Decisions are cross-checked
// against @cloud-copilot/iam-simulate.
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
    LOG_BUCKET_CONFIG_ACTIONS,
    LOG_KEY_CONFIG_ACTIONS,
    LOG_KEY_DELETION_ACTIONS,
} from "../../../components/guardrails";
import { Counterexample, ProofInput, runProofs } from "../../../evidence/proofs";
import { LOG_OBJECT_ACTIONS, logsImmutable } from "../../../evidence/proofs/logs-immutable";
import { PlanResult } from "../../../plan/run";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    planSecurity,
    PROD,
    projectWith,
    securityValues,
    workloadValues,
} from "../../helpers";
import { tamper, withPolicy, without } from "../../helpers/variants";
import { fixturePlans, inputOf, Plans, SECURITY_ROLES, WORKLOAD_ROLES } from "./fixture";

function prove(input: ProofInput) {
    const [result] = runProofs(input, [logsImmutable]);
    return result;
}

const summary = (found: readonly Counterexample[]) =>
    found.map((c) => [c.principal, c.action, c.resource.replace(/ \(.*$/, ""), c.statements]);

const ADMIN_LABEL = "assumed administrator (identity policies not in the plan) Statement[0]";
const OAAR = `arn:aws:iam::${LOG_ARCHIVE}:role/OrganizationAccountAccessRole`;

function policyOf(plan: PlanResult, name: string): any {
    const r = plan.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no ${name}`);
    return JSON.parse(String(r.props.policy ?? r.props.content));
}

/** Removes actions from every statement of an SCP that lists them. */
function scpWithout(plan: PlanResult, actions: readonly string[]): PlanResult {
    return withPolicy(plan, "guardrails-baseline", (d) => {
        for (const s of d.Statement)
            if (Array.isArray(s.Action))
                s.Action = s.Action.filter((a: string) => !actions.includes(a));
    });
}

/** iam-simulate's decision for a session of `roleArn`, with the plan's SCPs on its account. */
async function simulate(args: {
    roleArn: string;
    action: string;
    resource: string;
    account: string;
    identity: unknown[];
    scps: unknown[];
    resourcePolicy?: unknown;
}): Promise<boolean> {
    const [, , , , acct, rest] = args.roleArn.split(":");
    const name = rest.split("/").pop();
    const result = await runSimulation(
        {
            request: {
                principal: `arn:aws:sts::${acct}:assumed-role/${name}/zq9-session`,
                action: args.action,
                resource: { resource: args.resource, accountId: args.account },
                contextVariables: {
                    "aws:PrincipalArn": args.roleArn,
                    "aws:SecureTransport": "true",
                    "aws:RequestedRegion": "us-east-1",
                },
            },
            identityPolicies: args.identity.map((policy, i) => ({
                name: `identity-${i}`,
                policy: policy as Record<string, unknown>,
            })),
            serviceControlPolicies: args.scps.length
                ? [
                      {
                          orgIdentifier: "r-abcd",
                          policies: [
                              {
                                  name: "FullAWSAccess",
                                  policy: {
                                      Version: "2012-10-17",
                                      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                                  },
                              },
                              ...args.scps.map((policy, i) => ({
                                  name: `scp-${i}`,
                                  policy: policy as Record<string, unknown>,
                              })),
                          ],
                      },
                  ]
                : [],
            resourceControlPolicies: [],
            resourcePolicy: args.resourcePolicy as Record<string, unknown> | undefined,
        },
        {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult === "Allowed";
}

const ADMIN_DOC = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

describe("proof logs-immutable", () => {
    let p: Plans;
    let bucketArn: string;
    let keyArn: string;
    let scps: unknown[];
    before(async () => {
        p = await fixturePlans();
        bucketArn = `arn:aws:s3:::${String(p.security.outputs.trailBucketName)}`;
        keyArn = String(p.security.outputs.trailKeyArn);
        scps = ["guardrails-baseline", "guardrails-roles"].map((n) => policyOf(p.security, n));
    });

    it("holds on both fixture plans", () => {
        for (const kind of ["security", "workload"] as const) {
            const input = inputOf(kind, p);
            const result = prove(input);
            assert.deepStrictEqual(result.counterexamples, [], kind);
            // At least every planned role but the admin role asked every bucket action: the roles
            // listed by hand (fixture.ts), 7 of the security stack less its log-archive admin, and
            // the 6 of the workload stack.
            const planned = kind === "security" ? SECURITY_ROLES : WORKLOAD_ROLES;
            assert.deepStrictEqual(
                input.model.roles.map((r) => r.arn).sort(),
                [...planned].sort(),
                kind,
            );
            const roles = planned.length - (kind === "security" ? 1 : 0);
            assert.ok(result.checked >= roles * LOG_BUCKET_CONFIG_ACTIONS.length, kind);
            assert.strictEqual(result.holds, true);
        }
        assert.ok(
            prove(inputOf("security", p)).assumptions.some((a) =>
                a.includes(`principals of the management account ${MANAGEMENT}`),
            ),
        );
    });

    it("fails, not checked, when the trail's kmsKeyId is no key ARN (an alias): the key's policy is unknown", () => {
        const security = tamper(
            p.security,
            (r) => r.type === "aws:cloudtrail/trail:Trail",
            (props) => ({ ...props, kmsKeyId: "alias/org-trail" }),
        );
        const result = prove(inputOf("security", { ...p, security }));
        assert.strictEqual(result.holds, false);
        const c = result.counterexamples.find((x) => x.resource === "alias/org-trail");
        assert.ok(c, JSON.stringify(result.counterexamples));
        assert.strictEqual(c.principal, "(not checked)");
        assert.match(
            c.reason,
            /^trail key: not checked: its kmsKeyId alias\/org-trail is no key ARN/,
        );
    });

    it("fails when it examines nothing: a workload plan without the security plan", () => {
        const result = prove({ ...inputOf("workload", p), security: undefined });
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });

    it("finds s3:PutBucketPolicy once both the SCP's and the bucket policy's denies are gone, and only then", async () => {
        const noScp = scpWithout(p.security, ["s3:PutBucketPolicy"]);
        const noBucketDeny = (plan: PlanResult) =>
            withPolicy(plan, "org-trail-bucket-policy", (d) => {
                d.Statement = d.Statement.filter((s) => s.Sid !== "OnlyLogArchiveAdminConfigures");
            });
        // Each layer alone still decides.
        assert.deepStrictEqual(
            prove(inputOf("security", { ...p, security: noScp })).counterexamples,
            [],
        );
        assert.deepStrictEqual(
            prove(inputOf("security", { ...p, security: noBucketDeny(p.security) }))
                .counterexamples,
            [],
        );
        const broken = noBucketDeny(noScp);
        const found = prove(inputOf("security", { ...p, security: broken })).counterexamples;
        assert.deepStrictEqual(summary(found), [
            [
                OAAR,
                "s3:PutBucketPolicy",
                bucketArn,
                ["SCP FullAWSAccess Statement[0]", ADMIN_LABEL],
            ],
        ]);
        assert.match(found[0].reason, /not created by the plan, taken to be an administrator/);
        // A workload account's principals still cannot: the bucket is another account's.
        assert.deepStrictEqual(
            prove(inputOf("workload", { ...p, security: broken })).counterexamples,
            [],
        );
        // iam-simulate agrees: allowed when both denies are gone, denied with either in place.
        const ask = (plan: PlanResult) =>
            simulate({
                roleArn: OAAR,
                action: "s3:PutBucketPolicy",
                resource: bucketArn,
                account: LOG_ARCHIVE,
                identity: [ADMIN_DOC],
                scps: ["guardrails-baseline", "guardrails-roles"].map((n) => policyOf(plan, n)),
                resourcePolicy: policyOf(plan, "org-trail-bucket-policy"),
            });
        assert.strictEqual(await ask(broken), true);
        assert.strictEqual(await ask(noScp), false);
        assert.strictEqual(await ask(noBucketDeny(p.security)), false);
    });

    it("finds overwriting log objects once Object Lock is removed from the plan", () => {
        const broken = without(
            p.security,
            (r) => r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        );
        const found = prove(inputOf("security", { ...p, security: broken })).counterexamples;
        const objects = `${bucketArn}/AWSLogs/zq9/CloudTrail/zq9.json.gz`;
        // Deletion stays denied by the SCP and the bucket policy; without Object Lock, nothing
        // stops a new version over a log, nor the retention actions.
        assert.deepStrictEqual(
            summary(found),
            ["s3:PutObject", "s3:PutObjectRetention", "s3:BypassGovernanceRetention"].map((a) => [
                OAAR,
                a,
                objects,
                ["SCP FullAWSAccess Statement[0]", ADMIN_LABEL],
            ]),
        );
        assert.ok(LOG_OBJECT_ACTIONS.includes("s3:DeleteObjectVersion"));
        assert.match(found[0].reason, /keep S3 Object Lock in COMPLIANCE mode/);
    });

    it("finds Object Lock in GOVERNANCE mode as weak as none", () => {
        const broken = JSON.parse(JSON.stringify(p.security)) as PlanResult;
        const lock = broken.resources.find((r) =>
            r.type.endsWith("bucketObjectLockConfiguration:BucketObjectLockConfiguration"),
        )!;
        (lock.props.rule as any).defaultRetention.mode = "GOVERNANCE";
        const found = prove(inputOf("security", { ...p, security: broken })).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => c.action),
            ["s3:PutObject", "s3:PutObjectRetention", "s3:BypassGovernanceRetention"],
        );
    });

    it("finds the management account's preview role given cloudtrail:StopLogging", async () => {
        let grant = -1;
        const broken = withPolicy(p.security, "management-preview-reads", (d) => {
            grant = d.Statement.length;
            d.Statement.push({ Effect: "Allow", Action: "cloudtrail:StopLogging", Resource: "*" });
        });
        const found = prove(inputOf("security", { ...p, security: broken })).counterexamples;
        const role = `arn:aws:iam::${MANAGEMENT}:role/OrgAccessPreviewRole`;
        const trail = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-access`;
        assert.deepStrictEqual(summary(found), [
            [
                role,
                "cloudtrail:StopLogging",
                trail,
                [`inline policy org-access-preview-reads Statement[${grant}]`],
            ],
        ]);
        // SCPs do not bind the management account: iam-simulate allows it with no SCP.
        assert.strictEqual(
            await simulate({
                roleArn: role,
                action: "cloudtrail:StopLogging",
                resource: trail,
                account: MANAGEMENT,
                identity: [
                    policyOf(broken, "management-preview-reads"),
                    policyOf(broken, "management-preview-deny"),
                ],
                scps: [],
            }),
            true,
        );
    });

    it("finds an audit role given kms:ScheduleKeyDeletion once the key policy lets its account in and the SCP no longer denies it", async () => {
        const auditRole = `arn:aws:iam::${PROD}:role/SecurityAuditRole`;
        const workload = withPolicy(p.workload, "acct-777788889999-deny", (d) => {
            d.Statement.push({
                Sid: "Oops",
                Effect: "Allow",
                Action: "kms:ScheduleKeyDeletion",
                Resource: "*",
            });
        });
        // The key is another account's and its policy denies deletion to everyone: still holds.
        assert.deepStrictEqual(prove(inputOf("workload", { ...p, workload })).counterexamples, []);
        const keyOpen = withPolicy(p.security, "org-trail-key", (d) => {
            d.Statement = d.Statement.filter((s) => s.Sid !== "DenyKeyDeletion");
            d.Statement.push({
                Sid: "WorkloadAccountsUseKey",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${PROD}:root` },
                Action: "kms:*",
                Resource: "*",
            });
        });
        // The SCP's DenyLogKeyDeletion still decides.
        assert.deepStrictEqual(
            prove(inputOf("workload", { security: keyOpen, workload })).counterexamples,
            [],
        );
        const broken = scpWithout(keyOpen, ["kms:ScheduleKeyDeletion"]);
        const found = prove(inputOf("workload", { security: broken, workload })).counterexamples;
        const keyPolicy = policyOf(broken, "org-trail-key");
        const opened = [
            "SCP FullAWSAccess Statement[0]",
            `key policy org-trail-key Statement[${keyPolicy.Statement.length - 1}] (Sid "WorkloadAccountsUseKey")`,
        ];
        const oops = policyOf(workload, "acct-777788889999-deny").Statement.length - 1;
        // The audit role through its new grant, and every administrator of the account with it.
        assert.deepStrictEqual(summary(found), [
            [
                auditRole,
                "kms:ScheduleKeyDeletion",
                keyArn,
                [
                    ...opened,
                    `inline policy org-access-explicit-deny Statement[${oops}] (Sid "Oops")`,
                ],
            ],
            [
                `arn:aws:iam::${PROD}:role/BreakGlassRole`,
                "kms:ScheduleKeyDeletion",
                keyArn,
                [...opened, "AWS-managed AdministratorAccess Statement[0]"],
            ],
            [
                `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
                "kms:ScheduleKeyDeletion",
                keyArn,
                [...opened, ADMIN_LABEL],
            ],
        ]);
        assert.strictEqual(
            await simulate({
                roleArn: auditRole,
                action: "kms:ScheduleKeyDeletion",
                resource: keyArn,
                account: LOG_ARCHIVE,
                identity: [policyOf(workload, "acct-777788889999-deny")],
                scps: ["guardrails-baseline", "guardrails-roles"].map((n) => policyOf(broken, n)),
                resourcePolicy: keyPolicy,
            }),
            true,
        );
    });

    it("finds the log-archive account's root user managing the bucket policy where no SCP applies", async () => {
        // Without guardrails: the bucket policy denies everyone else, but S3 always lets the
        // root user of the bucket's account get, put and delete its policy.
        const security = await planSecurity(
            securityValues({ breakGlass: { users: ["dana-breakglass"] } }),
            projectWith({ workload: workloadValues() }),
        );
        const found = prove(
            inputOf("security", { security, workload: p.workload }),
        ).counterexamples;
        const root = `arn:aws:iam::${LOG_ARCHIVE}:root`;
        assert.deepStrictEqual(summary(found), [
            [root, "s3:DeleteBucketPolicy", bucketArn, ["SCP FullAWSAccess Statement[0]"]],
            [root, "s3:PutBucketPolicy", bucketArn, ["SCP FullAWSAccess Statement[0]"]],
        ]);
        assert.match(found[0].reason, /only an SCP stops it: attach the guardrails/);
    });

    it("agrees with iam-simulate on every protected bucket and key action of the log-archive account's administrators", async () => {
        const bucketPolicy = policyOf(p.security, "org-trail-bucket-policy");
        const keyPolicy = policyOf(p.security, "org-trail-key");
        const requests = [
            ...[...LOG_BUCKET_CONFIG_ACTIONS, "s3:DeleteBucket"].map((a) => [
                a,
                bucketArn,
                bucketPolicy,
            ]),
            ...[...LOG_KEY_DELETION_ACTIONS, ...LOG_KEY_CONFIG_ACTIONS].map((a) => [
                a,
                keyArn,
                keyPolicy,
            ]),
        ] as const;
        for (const [action, resource, resourcePolicy] of requests)
            assert.strictEqual(
                await simulate({
                    roleArn: OAAR,
                    action,
                    resource,
                    account: LOG_ARCHIVE,
                    identity: [ADMIN_DOC],
                    scps,
                    resourcePolicy,
                }),
                false,
                action,
            );
        // And the admin role itself may change what it administers (the proof's one exception).
        assert.strictEqual(
            await simulate({
                roleArn: `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessLogArchiveAdmin`,
                action: "s3:PutBucketPolicy",
                resource: bucketArn,
                account: LOG_ARCHIVE,
                identity: [ADMIN_DOC],
                scps,
                resourcePolicy: bucketPolicy,
            }),
            true,
        );
    });
});
