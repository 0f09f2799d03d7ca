import * as assert from "assert";
import { ResourceValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { checkResources } from "../../policypack/runner";
import { policies } from "../../policypack/policies";
import { nameIn } from "../../policypack/policies/common";
import { templatePrincipalVariants } from "../../policypack/policies/templatePrincipals";
import { embeddedResources } from "../../policypack/policies/templates";
import { ALICE, REPORTER, runResourcePolicy, SECURITY_ACCOUNT, UNKNOWN_STRING } from "./helpers";

const STACKSET = "aws:cloudformation/stackSet:StackSet";
const policy = (name: string) => policies.find((p) => p.name === name) as ResourceValidationPolicy;

function template(resources: Record<string, unknown>): string {
    return JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources });
}

function role(trust: unknown, extra: Record<string, unknown> = {}) {
    return {
        Type: "AWS::IAM::Role",
        Properties: {
            RoleName: "AuditRole",
            AssumeRolePolicyDocument: trust,
            MaxSessionDuration: 3600,
            ...extra,
        },
    };
}

const mfaTrust = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: { AWS: ALICE },
            Action: "sts:AssumeRole",
            Condition: {
                Bool: { "aws:MultiFactorAuthPresent": "true" },
                NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
            },
        },
        {
            Effect: "Allow",
            Principal: { AWS: REPORTER },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "an-external-id" } },
        },
    ],
};

describe("policies on IAM inside CloudFormation templates (StackSet mode)", () => {
    it("maps template resources to the matching @pulumi/aws resources", () => {
        const embedded = embeddedResources(
            template({
                R: role(mfaTrust, {
                    ManagedPolicyArns: ["arn:aws:iam::aws:policy/SecurityAudit"],
                    Policies: [
                        {
                            PolicyName: "deny",
                            PolicyDocument: { Version: "2012-10-17", Statement: [] },
                        },
                    ],
                }),
                U: {
                    Type: "AWS::IAM::User",
                    Properties: {
                        UserName: "bob",
                        Policies: [{ PolicyName: "p", PolicyDocument: {} }],
                    },
                },
                B: { Type: "AWS::S3::Bucket", Properties: {} },
            }),
        );
        assert.deepStrictEqual(
            embedded.map((e) => [e.logicalId, e.type]),
            [
                ["R", "aws:iam/role:Role"],
                ["U", "aws:iam/user:User"],
                ["U.Policies[0]", "aws:iam/userPolicy:UserPolicy"],
            ],
        );
        assert.deepStrictEqual(embedded[0].props.managedPolicyArns, [
            "arn:aws:iam::aws:policy/SecurityAudit",
        ]);
        assert.deepStrictEqual(embedded[0].props.inlinePolicies, [
            { name: "deny", policy: { Version: "2012-10-17", Statement: [] } },
        ]);
    });

    it("flags a wildcard principal in a templated trust policy, naming the logical id", async () => {
        const open = {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sts:AssumeRole" }],
        };
        const r = await runResourcePolicy(
            policy("iam-no-wildcard-principal"),
            STACKSET,
            { name: "audit", templateBody: template({ Audit: role(open) }) },
            { name: "audit-stackset" },
        );
        assert.strictEqual(r.violations.length, 1, r.violations.join("\n"));
        assert.match(r.violations[0], /^in the template of audit-stackset, resource Audit: /);
    });

    it("flags BoolIfExists MFA in a templated trust policy, and passes the real MFA and ExternalId trust", async () => {
        const weak = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: ALICE },
                    Action: "sts:AssumeRole",
                    Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
                },
            ],
        };
        const bad = await runResourcePolicy(policy("iam-trust-requires-mfa"), STACKSET, {
            templateBody: template({ Audit: role(weak) }),
        });
        assert.strictEqual(bad.violations.length, 1);
        const good = await runResourcePolicy(policy("iam-trust-requires-mfa"), STACKSET, {
            templateBody: template({ Audit: role(mfaTrust) }),
        });
        assert.deepStrictEqual(good.violations, []);
    });

    it("flags an admin-equivalent managed policy and a long session on a templated role", async () => {
        const admin = await runResourcePolicy(policy("iam-no-admin-grants"), STACKSET, {
            templateBody: template({
                Audit: role(mfaTrust, {
                    ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
                }),
            }),
        });
        assert.strictEqual(admin.violations.length, 1);
        assert.match(admin.violations[0], /AdministratorAccess/);
        const long = await runResourcePolicy(policy("iam-role-session-cap"), STACKSET, {
            templateBody: template({ Audit: role(mfaTrust, { MaxSessionDuration: 43200 }) }),
        });
        assert.strictEqual(long.violations.length, 1);
    });

    // Issue 11: YAML bodies are read now (CloudFormation accepts them), so the unreadable body
    // here is one that is neither JSON nor YAML.
    it("reports an unreadable template once, through iam-policy-document-valid", async () => {
        const yamlBody = "Resources: [unclosed\n";
        const resourcePolicies = policies.filter((p) => "validateResource" in p);
        const results = await Promise.all(
            resourcePolicies.map((p) =>
                runResourcePolicy(p as ResourceValidationPolicy, STACKSET, {
                    templateBody: yamlBody,
                }),
            ),
        );
        const all = results.flatMap((r) => r.violations);
        assert.strictEqual(all.length, 1, all.join("\n"));
        assert.match(all[0], /^templateBody is neither a JSON nor a YAML template \(.+\)\.$/);
        assert.deepStrictEqual(
            resourcePolicies.filter((_, i) => results[i].violations.length > 0).map((p) => p.name),
            ["iam-policy-document-valid"],
        );
    });

    it("lets UnknownValueError through when the template body is unknown at preview", async () => {
        await assert.rejects(
            runResourcePolicy(policy("iam-no-wildcard-principal"), STACKSET, {
                templateBody: UNKNOWN_STRING,
            }),
            UnknownValueError,
        );
    });

    it("still checks native resources exactly as before", async () => {
        const open = {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
        };
        const r = await runResourcePolicy(
            policy("iam-no-wildcard-principal"),
            "aws:iam/role:Role",
            { assumeRolePolicy: JSON.stringify(open) },
        );
        assert.strictEqual(r.violations.length, 1);
        assert.doesNotMatch(r.violations[0], /in the template/);
    });

    it("through checkResources, a StackSet with a bad role fails and the account of the principal is kept", () => {
        const trust = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` },
                    Action: "sts:AssumeRole",
                },
            ],
        };
        const v = checkResources([
            {
                type: STACKSET,
                name: "audit-role-stackset",
                props: { templateBody: template({ SecurityAuditRole: role(trust) }) },
            },
        ]);
        assert.deepStrictEqual(
            v.map((x) => [x.policy, x.resource]),
            [["iam-trust-requires-mfa", "audit-role-stackset"]],
        );
        assert.match(v[0].message, /resource SecurityAuditRole/);
    });

    it("never exempts a template resource because its logical id equals an exempt Pulumi name", () => {
        // Every way in needs MFA, so a break-glass exemption would hold if it applied.
        const humansOnly = { ...mfaTrust, Statement: mfaTrust.Statement.slice(0, 1) };
        const admin = (roleName: string) =>
            role(humansOnly, {
                RoleName: roleName,
                ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            });
        const publicTrust = {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
        };
        const config = {
            "iam-no-admin-grants": { breakGlassRoles: ["BreakGlassRole"] },
            "iam-no-admin-principals": { breakGlassRoles: ["BreakGlassRole"] },
            "iam-no-wildcard-principal": { exemptResources: ["website"] },
        };
        const check = (resources: Record<string, unknown>) =>
            checkResources(
                [{ type: STACKSET, name: "set", props: { templateBody: template(resources) } }],
                config,
            ).map((x) => `${x.policy} ${/resource (\w+):/.exec(x.message)?.[1]}`);
        assert.deepStrictEqual(
            check({
                BreakGlassRole: admin("AppRole"),
                website: role(publicTrust, { RoleName: "Website" }),
            }).sort(),
            [
                "iam-no-admin-grants BreakGlassRole",
                "iam-no-wildcard-principal website",
                // The public trust is also a trust without MFA.
                "iam-trust-requires-mfa website",
            ],
        );
        // A role whose IAM name is a break-glass role's is exempt, as natively.
        assert.deepStrictEqual(check({ Admin: admin("BreakGlassRole") }), []);
    });

    it("exempts a template role only by a literal RoleName: without one, CloudFormation names it after the stack", () => {
        // Every way in needs MFA and the session is short, so only the exemption is in question.
        const humansOnly = { ...mfaTrust, Statement: mfaTrust.Statement.slice(0, 1) };
        const admin = (roleName?: unknown) => {
            const { RoleName, ...props } = role(humansOnly, {
                ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            }).Properties;
            void RoleName;
            return {
                Type: "AWS::IAM::Role",
                Properties: roleName === undefined ? props : { ...props, RoleName: roleName },
            };
        };
        const config = {
            "iam-no-admin-grants": { breakGlassRoles: ["BreakGlassRole"] },
            "iam-no-admin-principals": { breakGlassRoles: ["BreakGlassRole"] },
        };
        const check = (resources: Record<string, unknown>) =>
            checkResources(
                [{ type: STACKSET, name: "set", props: { templateBody: template(resources) } }],
                config,
            ).map((x) => `${x.policy} ${/resource (\w+):/.exec(x.message)?.[1]}`);
        // The control: the same logical id with another literal name is refused.
        const refused = check({ BreakGlassRole: admin("AppRole") });
        assert.deepStrictEqual(refused, ["iam-no-admin-grants BreakGlassRole"]);
        // No RoleName: the role is `<stack>-BreakGlassRole-<suffix>`, not the break-glass role.
        assert.deepStrictEqual(check({ BreakGlassRole: admin() }), refused);
        // A RoleName CloudFormation computes per stack, or an empty one, is no literal name either.
        assert.deepStrictEqual(
            check({ BreakGlassRole: admin({ "Fn::Sub": "${AWS::StackName}-BreakGlassRole" }) }),
            refused,
        );
        assert.deepStrictEqual(check({ BreakGlassRole: admin("") }), refused);
        // The literal name is exempt (and still held to MFA and short sessions).
        assert.deepStrictEqual(check({ BreakGlassRole: admin("BreakGlassRole") }), []);
        // The whole-principal analysis names the role by a stand-in no literal name matches.
        const [variant] = templatePrincipalVariants({
            type: STACKSET,
            name: "set",
            urn: "urn:pulumi:workload::org-access::aws:cloudformation/stackSet:StackSet::set",
            props: { templateBody: template({ BreakGlassRole: admin() }) },
        });
        const r = variant.find((x) => x.type === "aws:iam/role:Role");
        assert.ok(r && typeof r.props.name === "string");
        assert.ok(!nameIn(r.props.name, ["BreakGlassRole"]), String(r.props.name));
    });

    describe("breakGlassPolicies in a template: a managed policy with a literal ManagedPolicyName, attached only to break-glass roles", () => {
        // Without one (or with one computed per stack, or an empty one) CloudFormation names the
        // policy `<stack>-<logical id>-<suffix>`: never the breakGlassPolicies entry its logical id
        // may equal, and never what the break-glass roles attach by name.
        const config = {
            "iam-no-admin-grants": {
                breakGlassRoles: ["BreakGlassRole"],
                breakGlassPolicies: ["BreakGlassPolicy"],
            },
        };
        const managed = (name: unknown, statement: Record<string, unknown>) => ({
            Type: "AWS::IAM::ManagedPolicy",
            Properties: {
                ...(name === undefined ? {} : { ManagedPolicyName: name }),
                PolicyDocument: { Version: "2012-10-17", Statement: [statement] },
            },
        });
        const NOT_LITERAL: ReadonlyArray<[string, unknown]> = [
            ["no ManagedPolicyName", undefined],
            ["a ManagedPolicyName computed per stack", { "Fn::Sub": "${AWS::StackName}-x" }],
            ["an empty ManagedPolicyName", ""],
        ];
        const check = (resources: Record<string, unknown>) =>
            checkResources(
                [{ type: STACKSET, name: "set", props: { templateBody: template(resources) } }],
                config,
            )
                // The other policies exempt no break-glass policy: their findings are beside the point.
                .filter((x) => x.policy === "iam-no-admin-grants")
                .map((x) => `${x.policy} ${/resource ([\w.[\]]+):/.exec(x.message)?.[1]}`);

        const admin = { Effect: "Allow", Action: "*", Resource: "*" };
        it("an admin policy: exempt by its literal name, flagged without one", () => {
            // The control: the same logical id with another literal name is refused.
            const refused = check({ BreakGlassPolicy: managed("AppPolicy", admin) });
            assert.deepStrictEqual(refused, ["iam-no-admin-grants BreakGlassPolicy"]);
            for (const [what, name] of NOT_LITERAL)
                assert.deepStrictEqual(
                    check({ BreakGlassPolicy: managed(name, admin) }),
                    refused,
                    what,
                );
            // The literal name is exempt, as before.
            assert.deepStrictEqual(
                check({ BreakGlassPolicy: managed("BreakGlassPolicy", admin) }),
                [],
            );
        });

        it("a policy delegating with a boundary that does not cap: exempt by its literal name, flagged without one", () => {
            // Left to the stack check (the boundary is not in the template, so it caps nothing).
            const delegation = {
                Effect: "Allow",
                Action: [
                    "iam:CreateRole",
                    "iam:PutRolePolicy",
                    "iam:AttachRolePolicy",
                    "iam:DetachRolePolicy",
                    "iam:DeleteRolePolicy",
                ],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "iam:PermissionsBoundary": {
                            "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/DevBoundary",
                        },
                    },
                },
            };
            const refused = check({ BreakGlassPolicy: managed("AppPolicy", delegation) });
            assert.deepStrictEqual(refused, ["iam-no-admin-grants BreakGlassPolicy"]);
            for (const [what, name] of NOT_LITERAL)
                assert.deepStrictEqual(
                    check({ BreakGlassPolicy: managed(name, delegation) }),
                    refused,
                    what,
                );
            assert.deepStrictEqual(
                check({ BreakGlassPolicy: managed("BreakGlassPolicy", delegation) }),
                [],
            );
        });

        it("an AWS::IAM::Policy is an inline policy, never a break-glass policy, whatever its name", () => {
            // breakGlassPolicies are customer-managed policies whose attachments are checked; an
            // AWS::IAM::Policy is embedded in each role, user or group it names, unattached.
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-policy.html
            const inline = (policyName: unknown) => ({
                Type: "AWS::IAM::Policy",
                Properties: {
                    ...(policyName === undefined ? {} : { PolicyName: policyName }),
                    Roles: ["AppRole"],
                    PolicyDocument: { Version: "2012-10-17", Statement: [admin] },
                },
            });
            const refused = check({ BreakGlassPolicy: inline("AppPolicy") });
            assert.deepStrictEqual(refused, ["iam-no-admin-grants BreakGlassPolicy"]);
            assert.deepStrictEqual(
                check({ BreakGlassPolicy: inline("BreakGlassPolicy") }),
                refused,
            );
            assert.deepStrictEqual(check({ BreakGlassPolicy: inline(undefined) }), refused);
        });

        it("a break-glass managed policy attached by its Roles or Groups to anything but a break-glass role is flagged", () => {
            const attached = (prop: "Roles" | "Groups", who: string) => ({
                Type: "AWS::IAM::ManagedPolicy",
                Properties: {
                    ManagedPolicyName: "BreakGlassPolicy",
                    [prop]: [who],
                    PolicyDocument: { Version: "2012-10-17", Statement: [admin] },
                },
            });
            assert.deepStrictEqual(check({ P: attached("Roles", "BreakGlassRole") }), []);
            // By Ref: the role's literal RoleName is what it is attached to; without one, a role
            // CloudFormation names after the stack, which is no break-glass role.
            const glassRole = (roleName?: string) => ({
                Type: "AWS::IAM::Role",
                Properties: {
                    ...(roleName ? { RoleName: roleName } : {}),
                    AssumeRolePolicyDocument: {
                        ...mfaTrust,
                        Statement: mfaTrust.Statement.slice(0, 1),
                    },
                    MaxSessionDuration: 3600,
                },
            });
            const byRef = { ...attached("Roles", "x") };
            byRef.Properties = { ...byRef.Properties, Roles: [{ Ref: "BreakGlassRole" }] } as never;
            assert.deepStrictEqual(
                check({ BreakGlassRole: glassRole("BreakGlassRole"), P: byRef }),
                [],
            );
            assert.deepStrictEqual(check({ BreakGlassRole: glassRole(), P: byRef }), [
                "iam-no-admin-grants P.Roles[0]",
            ]);
            for (const [prop, who] of [
                ["Roles", "AppRole"],
                ["Groups", "Developers"],
            ] as const) {
                const v = checkResources(
                    [
                        {
                            type: STACKSET,
                            name: "set",
                            props: { templateBody: template({ P: attached(prop, who) }) },
                        },
                    ],
                    config,
                ).filter((x) => x.policy === "iam-no-admin-grants");
                assert.strictEqual(v.length, 1, v.map((x) => x.message).join("\n"));
                for (const f of [
                    "resource P.",
                    "policy/BreakGlassPolicy",
                    "a break-glass policy",
                    who,
                ])
                    assert.ok(v[0].message.includes(f), `"${f}" missing:\n${v[0].message}`);
            }
        });
    });

    describe("CloudFormation intrinsic functions (issue 11)", () => {
        const allPolicies = policies.filter(
            (p) => "validateResource" in p,
        ) as ResourceValidationPolicy[];
        async function violations(body: unknown, parameters?: Record<string, string>) {
            const results = await Promise.all(
                allPolicies.map((p) =>
                    runResourcePolicy(p, STACKSET, { templateBody: body, parameters }),
                ),
            );
            return results.flatMap((r, i) =>
                r.violations.map((v) => `${allPolicies[i].name}: ${v}`),
            );
        }
        const mfaCondition = {
            Bool: { "aws:MultiFactorAuthPresent": "true" },
            NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
        };
        const cfn = (parameters: unknown, resources: unknown, conditions?: unknown) => ({
            AWSTemplateFormatVersion: "2010-09-09",
            Parameters: parameters,
            ...(conditions ? { Conditions: conditions } : {}),
            Resources: resources,
        });
        const trustOf = (principal: unknown) => ({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: principal },
                    Action: "sts:AssumeRole",
                    Condition: mfaCondition,
                },
            ],
        });
        const withPolicy = (action: unknown, resource: unknown) => ({
            Policies: [
                {
                    PolicyName: "p",
                    PolicyDocument: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
                    },
                },
            ],
        });
        const safe = cfn(
            {
                TrustedAccount: { Type: "String", Default: SECURITY_ACCOUNT },
                ExternalPrincipal: { Type: "String" },
                Env: { Type: "String", AllowedValues: ["dev", "prod"] },
            },
            {
                Bucket: { Type: "AWS::S3::Bucket", Properties: {} },
                Audit: role(
                    trustOf([
                        { "Fn::Sub": "arn:${AWS::Partition}:iam::${TrustedAccount}:root" },
                        { Ref: "ExternalPrincipal" },
                    ]),
                    {
                        RoleName: { "Fn::Join": ["-", ["audit", { Ref: "Env" }]] },
                        PermissionsBoundary: { Ref: "AWS::NoValue" },
                        ...withPolicy(
                            [
                                "s3:GetObject",
                                { "Fn::If": ["IsProd", { Ref: "AWS::NoValue" }, "s3:ListBucket"] },
                            ],
                            [
                                { "Fn::GetAtt": ["Bucket", "Arn"] },
                                { "Fn::Sub": "${Bucket.Arn}/*" },
                                { "Fn::ImportValue": "shared-bucket-arn" },
                                {
                                    "Fn::Select": [
                                        0,
                                        [{ "Fn::Sub": "arn:aws:s3:::logs-${AWS::AccountId}" }],
                                    ],
                                },
                            ],
                        ),
                    },
                ),
            },
            { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
        );
        for (const asString of [true, false]) {
            const enc = asString ? "JSON string" : "object";
            const body = (t: unknown) => (asString ? JSON.stringify(t) : t);
            // ExternalPrincipal has no value: a StackSet instance may supply "*", so the advisory
            // policy-document-not-checked names that statement (issue 11 review; this expected no
            // violation at all before, reading the unknown principal as the stack's own account).
            it(`a template using Fn::Sub, Ref, Fn::Join, Fn::GetAtt, Fn::ImportValue, Fn::If, Fn::Select and AWS::NoValue passes every policy but names the principal it leaves open (${enc})`, async () => {
                const v = await violations(body(safe));
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.match(
                    v[0],
                    /^policy-document-not-checked: .*resource Audit Properties\.AssumeRolePolicyDocument\.Statement\[0\] \(Principal AWS not resolved\) is not checked/,
                );
                assert.deepStrictEqual(
                    await violations(body(safe), { ExternalPrincipal: REPORTER }),
                    [],
                );
            });
            it(`a parameter whose default is "*" in a Principal is flagged (${enc})`, async () => {
                const open = cfn(
                    { Who: { Type: "String", Default: "*" } },
                    { Audit: role(trustOf({ Ref: "Who" })) },
                );
                const v = await violations(body(open));
                assert.ok(
                    v.some((m) => m.startsWith("iam-no-wildcard-principal: in the template")),
                    v.join("\n"),
                );
            });
            it(`the StackSet's own parameter value is used (${enc})`, async () => {
                const t = cfn(
                    { Who: { Type: "String", Default: `arn:aws:iam::${SECURITY_ACCOUNT}:root` } },
                    { Audit: role(trustOf({ Ref: "Who" })) },
                );
                assert.deepStrictEqual(await violations(body(t)), []);
                const v = await violations(body(t), { Who: "*" });
                assert.ok(
                    v.some((m) => m.startsWith("iam-no-wildcard-principal")),
                    v.join("\n"),
                );
            });
            it(`both branches of an unknown condition are checked (${enc})`, async () => {
                const t = cfn(
                    { Mode: { Type: "String" } },
                    {
                        Audit: role(trustOf(`arn:aws:iam::${SECURITY_ACCOUNT}:root`), {
                            ...withPolicy({ "Fn::If": ["Wide", "*", "s3:GetObject"] }, "*"),
                        }),
                    },
                    { Wide: { "Fn::Equals": [{ Ref: "Mode" }, "wide"] } },
                );
                const v = await violations(body(t));
                assert.ok(
                    v.some(
                        (m) =>
                            m.startsWith("iam-no-admin-grants: in the template") &&
                            /every action/.test(m),
                    ),
                    v.join("\n"),
                );
            });
            it(`a resource whose Condition is false is not checked, and is when unknown (${enc})`, async () => {
                const t = (mode: unknown) =>
                    cfn(
                        {
                            Mode: {
                                Type: "String",
                                ...(mode === undefined ? {} : { Default: mode }),
                            },
                        },
                        {
                            Wide: {
                                ...role(trustOf(`arn:aws:iam::${SECURITY_ACCOUNT}:root`), {
                                    ...withPolicy("*", "*"),
                                }),
                                Condition: "IsWide",
                            },
                        },
                        { IsWide: { "Fn::Equals": [{ Ref: "Mode" }, "wide"] } },
                    );
                assert.deepStrictEqual(await violations(body(t("narrow"))), []);
                for (const mode of ["wide", undefined]) {
                    const v = await violations(body(t(mode)));
                    assert.ok(
                        v.some((m) => m.startsWith("iam-no-admin-grants: in the template")),
                        v.join("\n"),
                    );
                }
            });
            it(`every AllowedValue of a parameter without a value is checked (${enc})`, async () => {
                const t = cfn(
                    { Act: { Type: "String", AllowedValues: ["s3:GetObject", "iam:*"] } },
                    {
                        Audit: role(trustOf(`arn:aws:iam::${SECURITY_ACCOUNT}:root`), {
                            ...withPolicy({ Ref: "Act" }, "*"),
                        }),
                    },
                );
                const v = await violations(body(t));
                assert.ok(
                    v.some((m) => m.startsWith("iam-no-admin-grants") && /IAM action/.test(m)),
                    v.join("\n"),
                );
            });
        }
    });

    describe("YAML template bodies with short-form intrinsic functions (issue 11)", () => {
        const yamlRole = (
            principal: string,
            action: string,
            resource = "[!GetAtt Bucket.Arn, !Sub '${Bucket.Arn}/*']",
        ) =>
            [
                "AWSTemplateFormatVersion: '2010-09-09'",
                "Parameters:",
                "  TrustedAccount:",
                "    Type: String",
                `    Default: '${SECURITY_ACCOUNT}'`,
                "Resources:",
                "  Bucket:",
                "    Type: AWS::S3::Bucket",
                "  Audit:",
                "    Type: AWS::IAM::Role",
                "    Properties:",
                "      RoleName: !Join ['-', [audit, !Ref 'AWS::Region']]",
                "      MaxSessionDuration: 3600",
                "      AssumeRolePolicyDocument:",
                "        Version: '2012-10-17'",
                "        Statement:",
                "          - Effect: Allow",
                `            Principal: { AWS: ${principal} }`,
                "            Action: sts:AssumeRole",
                "            Condition:",
                "              Bool: { aws:MultiFactorAuthPresent: 'true' }",
                "              NumericLessThan: { aws:MultiFactorAuthAge: '3600' }",
                "      Policies:",
                "        - PolicyName: read",
                "          PolicyDocument:",
                "            Version: '2012-10-17'",
                "            Statement:",
                "              - Effect: Allow",
                `                Action: ${action}`,
                `                Resource: ${resource}`,
            ].join("\n");
        const run = async (body: string) =>
            (
                await Promise.all(
                    (
                        policies.filter(
                            (p) => "validateResource" in p,
                        ) as ResourceValidationPolicy[]
                    ).map(async (p) =>
                        (
                            await runResourcePolicy(p, STACKSET, { templateBody: body })
                        ).violations.map((v) => `${p.name}: ${v}`),
                    ),
                )
            ).flat();
        it("a YAML template with !Sub, !Ref, !Join and !GetAtt passes every policy", async () => {
            const body = yamlRole(
                "!Sub 'arn:${AWS::Partition}:iam::${TrustedAccount}:root'",
                "s3:GetObject",
            );
            assert.deepStrictEqual(await run(body), []);
        });
        it("the same YAML template with Action * is flagged as admin", async () => {
            const v = await run(
                yamlRole("!Sub 'arn:aws:iam::${TrustedAccount}:root'", "'*'", "'*'"),
            );
            assert.ok(
                v.some(
                    (m) =>
                        m.startsWith("iam-no-admin-grants: in the template of") &&
                        /resource Audit/.test(m),
                ),
                v.join("\n"),
            );
        });
        it("the same YAML template trusting everyone is flagged", async () => {
            const v = await run(yamlRole("'*'", "s3:GetObject"));
            assert.ok(
                v.some((m) => m.startsWith("iam-no-wildcard-principal: in the template")),
                v.join("\n"),
            );
        });
    });
});

// Issue 11 review: unresolved Actions and principals were read as safe, and variants past the cap
// were dropped in silence; policy-document-not-checked now names them.
describe("template statements the pack cannot check (policy-document-not-checked)", () => {
    const notChecked = async (body: unknown, parameters?: Record<string, string>) =>
        (
            await runResourcePolicy(
                policy("policy-document-not-checked"),
                STACKSET,
                { name: "s", templateBody: body, ...(parameters ? { parameters } : {}) },
                { name: "ss" },
            )
        ).violations;
    const withParam = (resources: Record<string, unknown>, param: Record<string, unknown>) => ({
        AWSTemplateFormatVersion: "2010-09-09",
        Parameters: param,
        Resources: resources,
    });
    const policyWith = (statement: Record<string, unknown>) => ({
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
            PolicyDocument: { Version: "2012-10-17", Statement: [statement] },
        },
    });
    const paramAction = withParam(
        { P: policyWith({ Effect: "Allow", Action: { Ref: "Act" }, Resource: "*" }) },
        { Act: { Type: "String" } },
    );
    const paramPrincipal = withParam(
        {
            R: role({
                Version: "2012-10-17",
                Statement: {
                    Effect: "Allow",
                    Principal: { AWS: { "Fn::Sub": "arn:aws:iam::${Acct}:root" } },
                    Action: "sts:AssumeRole",
                },
            }),
        },
        { Acct: { Type: "String" } },
    );
    for (const [what, encode] of [
        ["a JSON string", (t: unknown) => JSON.stringify(t)],
        ["an object", (t: unknown) => t],
    ] as Array<[string, (t: unknown) => unknown]>) {
        it(`names an Action left to a parameter without a value, as ${what}`, async () => {
            const v = await notChecked(encode(paramAction));
            assert.strictEqual(v.length, 1, v.join("\n"));
            assert.match(v[0], /^in the template of ss: resource P /);
            assert.match(v[0], /Statement\[0\] \(Action not resolved\) is not checked/);
        });
        it(`names a Principal AWS left to a parameter without a value, as ${what}`, async () => {
            const v = await notChecked(encode(paramPrincipal));
            assert.strictEqual(v.length, 1, v.join("\n"));
            assert.match(v[0], /resource R .*Statement\[0\] \(Principal AWS not resolved\)/);
        });
    }
    it("says nothing when the StackSet passes the values, or the principal is the template's own role", async () => {
        assert.deepStrictEqual(await notChecked(paramAction, { Act: "s3:GetObject" }), []);
        assert.deepStrictEqual(await notChecked(paramPrincipal, { Acct: "123456789012" }), []);
        const own = template({
            Worker: role(mfaTrust, { RoleName: "Worker" }),
            R: role({
                Version: "2012-10-17",
                Statement: {
                    Effect: "Allow",
                    Principal: { AWS: { "Fn::GetAtt": ["Worker", "Arn"] } },
                    Action: "sts:AssumeRole",
                },
            }),
        });
        assert.deepStrictEqual(await notChecked(own), []);
    });
    it("names a template with more variants than the pack resolves, and not one with fewer", async () => {
        const conditions: Record<string, unknown> = {};
        const parameters: Record<string, unknown> = {};
        const resources: Record<string, unknown> = {};
        for (let i = 0; i < 6; i++) {
            parameters[`P${i}`] = { Type: "String" };
            conditions[`C${i}`] = { "Fn::Equals": [{ Ref: `P${i}` }, "yes"] };
            resources[`Pol${i}`] = policyWith({
                Effect: "Allow",
                Action: { "Fn::If": [`C${i}`, "iam:*", "s3:GetObject"] },
                Resource: "*",
            });
        }
        const body = (n: number) =>
            JSON.stringify({
                Parameters: Object.fromEntries(Object.entries(parameters).slice(0, n)),
                Conditions: Object.fromEntries(Object.entries(conditions).slice(0, n)),
                Resources: Object.fromEntries(Object.entries(resources).slice(0, n)),
            });
        const many = await notChecked(body(6));
        assert.strictEqual(many.length, 1, many.join("\n"));
        assert.match(many[0], /more combinations of unknown conditions .* than the pack resolves/);
        assert.deepStrictEqual(await notChecked(body(2)), []);
    });
});
