// iam-no-admin-principals reads the principals a CloudFormation StackSet template creates: a
// template role's inline Policies, ManagedPolicyArns (AWS-managed, and template ManagedPolicies by
// Ref), PermissionsBoundary; AWS::IAM::Policy / ManagedPolicy attached through Roles/Users/Groups;
// users and their groups. Escalation split across the template's documents is found as in a
// Pulumi stack, in JSON and YAML templates, with intrinsics.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoAdminPrincipals } from "../../policypack/policies";
import { templatePrincipalVariants } from "../../policypack/policies/templatePrincipals";
import { Json, policyDoc, runStackPolicy, WORKLOAD_ACCOUNT } from "./helpers";

const NAME = "iam-no-admin-principals";
const LAMBDA_TRUST = policyDoc({
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: "sts:AssumeRole",
});
const allow = (Action: unknown, Resource: unknown = "*"): Json => ({
    Effect: "Allow",
    Action,
    Resource,
});

async function stackSet(templateBody: unknown, config?: Json) {
    return runStackPolicy(
        iamNoAdminPrincipals,
        [
            {
                type: aws.cloudformation.StackSet,
                name: "member-roles",
                props: { name: "member-roles", templateBody, permissionModel: "SERVICE_MANAGED" },
                provider: {
                    type: "pulumi:providers:aws",
                    name: "management",
                    props: { allowedAccountIds: [WORKLOAD_ACCOUNT] },
                },
            },
        ],
        config,
    );
}

const json = (resources: Json) =>
    JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources });

function assertFlags(
    r: Awaited<ReturnType<typeof stackSet>>,
    resource: string,
    ...fragments: string[]
): void {
    assert.strictEqual(
        r.violations.length,
        1,
        `expected 1 violation, got:\n${r.violations.map((v) => v.message).join("\n")}`,
    );
    const [v] = r.violations;
    assert.ok(v.urn?.endsWith("::member-roles"), `reported on ${v.urn}`);
    for (const f of [`In the template of member-roles, resource ${resource}:`, ...fragments])
        assert.ok(v.message.includes(f), `"${f}" missing:\n${v.message}`);
}

const assertPasses = (r: Awaited<ReturnType<typeof stackSet>>) =>
    assert.deepStrictEqual(
        r.violations.map((v) => v.message),
        [],
    );

describe(`${NAME}: principals inside StackSet templates`, () => {
    describe("flags escalation split across the template's documents", () => {
        it("PassRole in one inline policy, lambda:CreateFunction in another (JSON, single Statement objects)", async () => {
            const r = await stackSet(
                json({
                    App: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "app",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                            Policies: [
                                {
                                    PolicyName: "pass",
                                    PolicyDocument: {
                                        Version: "2012-10-17",
                                        Statement: allow("iam:PassRole"),
                                    },
                                },
                                {
                                    PolicyName: "compute",
                                    PolicyDocument: policyDoc(allow("lambda:CreateFunction")),
                                },
                            ],
                        },
                    },
                }),
            );
            assertFlags(
                r,
                "App",
                'Role "app" is admin-equivalent',
                "iam:PassRole",
                "lambda:CreateFunction",
            );
        });

        it("PassRole in an AWS::IAM::Policy naming the role by !Ref, CreateFunction inline (YAML)", async () => {
            const r = await stackSet(
                [
                    "Resources:",
                    "  App:",
                    "    Type: AWS::IAM::Role",
                    "    Properties:",
                    "      AssumeRolePolicyDocument:",
                    "        Statement:",
                    "          - Effect: Allow",
                    "            Principal: { Service: lambda.amazonaws.com }",
                    "            Action: sts:AssumeRole",
                    "      Policies:",
                    "        - PolicyName: compute",
                    "          PolicyDocument:",
                    "            Statement:",
                    "              Effect: Allow",
                    "              Action: lambda:CreateFunction",
                    "              Resource: '*'",
                    "  Pass:",
                    "    Type: AWS::IAM::Policy",
                    "    Properties:",
                    "      PolicyName: pass",
                    "      Roles: [!Ref App]",
                    "      PolicyDocument:",
                    "        Statement:",
                    "          - Effect: Allow",
                    "            Action: iam:PassRole",
                    "            Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*",
                ].join("\n"),
            );
            // The role has no RoleName: CloudFormation names it `<stack>-App-<suffix>`, which
            // the stand-in shows (never the logical id, which no role of the stack is named).
            assertFlags(
                r,
                "App",
                'Role "zq9-stack-App-generated" is admin-equivalent',
                "iam:PassRole",
                "lambda:CreateFunction",
            );
        });

        it("a role attaching AWS-managed AmazonEC2FullAccess plus PassRole inline (YAML, ManagedPolicyArns by !Sub)", async () => {
            const r = await stackSet(
                [
                    "Resources:",
                    "  Ops:",
                    "    Type: AWS::IAM::Role",
                    "    Properties:",
                    "      RoleName: ops",
                    "      AssumeRolePolicyDocument:",
                    "        Statement:",
                    "          - Effect: Allow",
                    "            Principal: { Service: ec2.amazonaws.com }",
                    "            Action: sts:AssumeRole",
                    "      ManagedPolicyArns:",
                    "        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonEC2FullAccess",
                    "      Policies:",
                    "        - PolicyName: pass",
                    "          PolicyDocument:",
                    "            Statement:",
                    "              - Effect: Allow",
                    "                Action: iam:PassRole",
                    "                Resource: '*'",
                ].join("\n"),
            );
            assertFlags(r, "Ops", 'Role "ops"', "iam:PassRole", "AmazonEC2FullAccess");
        });

        it("a template ManagedPolicy attached by Ref in ManagedPolicyArns, with PassRole inline (JSON)", async () => {
            const r = await stackSet(
                json({
                    Compute: {
                        Type: "AWS::IAM::ManagedPolicy",
                        Properties: {
                            ManagedPolicyName: "compute",
                            PolicyDocument: policyDoc(allow(["ec2:RunInstances"])),
                        },
                    },
                    Builder: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "builder",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                            ManagedPolicyArns: [{ Ref: "Compute" }],
                            Policies: [
                                {
                                    PolicyName: "pass",
                                    PolicyDocument: JSON.stringify(
                                        policyDoc(allow("iam:PassRole")),
                                    ),
                                },
                            ],
                        },
                    },
                }),
            );
            assertFlags(
                r,
                "Builder",
                'Role "builder"',
                "iam:PassRole",
                "ec2:RunInstances",
                "policy compute",
            );
        });

        it("a ManagedPolicy attached to a template group through Groups, the user a member by Groups (YAML)", async () => {
            const r = await stackSet(
                [
                    "Resources:",
                    "  Devs:",
                    "    Type: AWS::IAM::Group",
                    "    Properties: { GroupName: devs }",
                    "  Dev:",
                    "    Type: AWS::IAM::User",
                    "    Properties:",
                    "      UserName: dev",
                    "      Groups: [!Ref Devs]",
                    "      Policies:",
                    "        - PolicyName: pass",
                    "          PolicyDocument:",
                    "            Statement: [{ Effect: Allow, Action: 'iam:PassRole', Resource: '*' }]",
                    "  Compute:",
                    "    Type: AWS::IAM::ManagedPolicy",
                    "    Properties:",
                    "      Groups: [!Ref Devs]",
                    "      PolicyDocument:",
                    "        Statement: [{ Effect: Allow, Action: 'lambda:CreateFunction', Resource: '*' }]",
                ].join("\n"),
            );
            assertFlags(r, "Dev", 'User "dev"', "iam:PassRole", "lambda:CreateFunction");
        });

        it("a role that may rewrite its own inline policy (iam:PutRolePolicy on !GetAtt Self.Arn)", async () => {
            const r = await stackSet(
                json({
                    Self: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "self",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                        },
                    },
                    Rewrite: {
                        Type: "AWS::IAM::Policy",
                        Properties: {
                            PolicyName: "rewrite",
                            Roles: [{ Ref: "Self" }],
                            PolicyDocument: policyDoc(
                                allow("iam:PutRolePolicy", { "Fn::GetAtt": ["Self", "Arn"] }),
                            ),
                        },
                    },
                }),
            );
            assertFlags(r, "Self", 'Role "self"', "iam:PutRolePolicy");
        });
    });

    describe("passes", () => {
        it("the same split with PassRole scoped to a role no compute service can take (JSON)", async () => {
            const r = await stackSet(
                json({
                    App: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "app",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                            Policies: [
                                {
                                    PolicyName: "pass",
                                    PolicyDocument: policyDoc(
                                        allow("iam:PassRole", "arn:aws:iam::*:role/nothing-here"),
                                    ),
                                },
                                {
                                    PolicyName: "compute",
                                    PolicyDocument: policyDoc(allow("lambda:CreateFunction")),
                                },
                            ],
                        },
                    },
                }),
            );
            assertPasses(r);
        });

        it("a PermissionsBoundary that caps the split away (template ManagedPolicy by Ref, YAML)", async () => {
            const r = await stackSet(
                [
                    "Resources:",
                    "  Cap:",
                    "    Type: AWS::IAM::ManagedPolicy",
                    "    Properties:",
                    "      ManagedPolicyName: cap",
                    "      PolicyDocument:",
                    "        Statement: [{ Effect: Allow, Action: 'lambda:*', Resource: '*' }]",
                    "  App:",
                    "    Type: AWS::IAM::Role",
                    "    Properties:",
                    "      RoleName: app",
                    "      PermissionsBoundary: !Ref Cap",
                    "      AssumeRolePolicyDocument:",
                    "        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: 'sts:AssumeRole' }]",
                    "      Policies:",
                    "        - PolicyName: both",
                    "          PolicyDocument:",
                    "            Statement:",
                    "              - { Effect: Allow, Action: 'iam:PassRole', Resource: '*' }",
                    "              - { Effect: Allow, Action: 'lambda:CreateFunction', Resource: '*' }",
                ].join("\n"),
            );
            assertPasses(r);
        });

        it("a read-only audit role (SecurityAudit + ViewOnlyAccess, JSON)", async () => {
            const r = await stackSet(
                json({
                    Audit: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "audit",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                            ManagedPolicyArns: [
                                "arn:aws:iam::aws:policy/SecurityAudit",
                                "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                            ],
                        },
                    },
                }),
            );
            assertPasses(r);
        });

        it("a break-glass role listed in breakGlassRoles", async () => {
            const r = await stackSet(
                json({
                    Glass: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "BreakGlassRole",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                            Policies: [
                                {
                                    PolicyName: "p",
                                    PolicyDocument: policyDoc(allow("iam:PassRole")),
                                },
                                {
                                    PolicyName: "c",
                                    PolicyDocument: policyDoc(allow("lambda:CreateFunction")),
                                },
                            ],
                        },
                    },
                }),
                { breakGlassRoles: ["BreakGlassRole"] },
            );
            assertPasses(r);
        });

        it("two variants of a condition each holding half of the split are judged apart", async () => {
            const r = await stackSet(
                json({
                    App: {
                        Type: "AWS::IAM::Role",
                        Properties: {
                            RoleName: "app",
                            AssumeRolePolicyDocument: LAMBDA_TRUST,
                            Policies: [
                                {
                                    PolicyName: "either",
                                    PolicyDocument: policyDoc(
                                        allow({
                                            "Fn::If": [
                                                "Prod",
                                                "iam:PassRole",
                                                "lambda:CreateFunction",
                                            ],
                                        }),
                                    ),
                                },
                            ],
                        },
                    },
                }).replace(
                    '"Resources"',
                    '"Parameters":{"Env":{"Type":"String"}},"Conditions":{"Prod":{"Fn::Equals":[{"Ref":"Env"},"prod"]}},"Resources"',
                ),
            );
            assertPasses(r);
        });
    });

    it("resolves Ref and GetAtt Arn of template principals to their names and ARNs", () => {
        const [variant] = templatePrincipalVariants({
            type: "aws:cloudformation/stackSet:StackSet",
            name: "s",
            urn: "urn:s",
            props: {
                templateBody: json({
                    R: { Type: "AWS::IAM::Role", Properties: { Path: "/svc/" } },
                    P: {
                        Type: "AWS::IAM::ManagedPolicy",
                        Properties: {
                            Roles: [{ Ref: "R" }],
                            PolicyDocument: policyDoc(
                                allow("iam:PassRole", { "Fn::GetAtt": "R.Arn" }),
                            ),
                        },
                    },
                }),
            },
        });
        const attach = variant.find(
            (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        );
        // P has no ManagedPolicyName, R no RoleName: CloudFormation generates `<stack>-P-<random>`
        // and `<stack>-R-<random>`, so their Refs are those generated names, never the literal
        // policy/P or role R.
        assert.deepStrictEqual(attach?.props, {
            role: "zq9-stack-R-generated",
            policyArn: "arn:aws:iam::000000000000:policy/zq9-stack-P-generated",
        });
        const policy = variant.find((r) => r.type === "aws:iam/policy:Policy");
        assert.strictEqual(policy?.props.name, "zq9-stack-P-generated");
        assert.deepStrictEqual(
            (policy?.props.policy as { Statement: Json[] }).Statement[0].Resource,
            "arn:aws:iam::000000000000:role/svc/zq9-stack-R-generated",
        );
    });
});
