// iam-no-admin-principals: "code I can change runs as an admin role". Where the plan holds a
// function, instance (through its instance profile), build project, stack, notebook, dev endpoint,
// job or task definition, App Runner service or schedule whose role is admin-equivalent in the
// plan, a principal allowed to run new code on it is admin-equivalent; so is one allowed to pass
// such a role (named, not only `*`) to a service its trust lets in, with a consumer of that
// service. Each method: must-flag, must-pass (a non-admin role, or a scope that misses the
// resource), in three document encodings. The compute types and their role properties are data
// (policypack/model/data/compute-roles.json), checked against @pulumi/aws here.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { COMPUTE_TYPES } from "../../policypack/model/computeRoles";
import { SINGLE_ACTION_ESCALATIONS } from "../../policypack/iam";
import { iamNoAdminPrincipals } from "../../policypack/policies";
import {
    Json,
    policyDoc,
    pulumiTypeOf,
    runStackPolicy,
    StackResourceSpec,
    WORKLOAD_ACCOUNT,
} from "./helpers";

const A = WORKLOAD_ACCOUNT;
const PROVIDER = {
    type: "pulumi:providers:aws",
    name: "workload",
    props: { allowedAccountIds: [A] },
};
const res = (type: StackResourceSpec["type"], name: string, props: Json): StackResourceSpec => ({
    type,
    name,
    props,
    provider: PROVIDER,
});
const trust = (service: string) =>
    JSON.stringify(
        policyDoc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }),
    );
const roleArn = (name: string) => `arn:aws:iam::${A}:role/${name}`;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** A role trusting `service`, holding AdministratorAccess (admin) or ReadOnlyAccess (not). */
const serviceRole = (name: string, service: string, admin: boolean) =>
    res(aws.iam.Role, name, {
        name,
        assumeRolePolicy: trust(service),
        managedPolicyArns: [admin ? ADMIN : READ],
    });
/** The principal under test: a developer role with one inline policy. */
const dev = (doc: unknown) => [
    res(aws.iam.Role, "dev", { name: "dev", assumeRolePolicy: trust("ec2.amazonaws.com") }),
    res(aws.iam.RolePolicy, "dev-policy", { name: "dev-policy", role: "dev", policy: doc }),
];

const ENCODINGS: ReadonlyArray<[string, (statements: Json[]) => unknown]> = [
    ["JSON string", (s) => JSON.stringify(policyDoc(...s))],
    ["object", (s) => policyDoc(...s)],
    [
        "single Statement object",
        (s) => ({ Version: "2012-10-17", Statement: s.length === 1 ? s[0] : s }),
    ],
];

interface Method {
    what: string;
    /** The compute resource running as `role`. */
    compute: (role: string) => StackResourceSpec[];
    service: string;
    /** What the developer is allowed (statements), on `*` or on the resource. */
    grant: Json[];
    /** The same actions scoped away from the resource. */
    scoped: Json[];
    /** Fragments the message must name. */
    names: string[];
}

const allow = (Action: unknown, Resource: unknown = "*"): Json => ({
    Effect: "Allow",
    Action,
    Resource,
});

const METHODS: Method[] = [
    {
        what: "Lambda: UpdateFunctionCode on a function running as an admin role",
        compute: (role) => [
            res(aws.lambda.Function, "fn", {
                name: "fn",
                role: roleArn(role),
                runtime: "nodejs20.x",
            }),
        ],
        service: "lambda.amazonaws.com",
        grant: [allow("lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${A}:function:fn`)],
        scoped: [
            allow("lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${A}:function:other`),
        ],
        names: ["lambda:UpdateFunctionCode", "Function fn"],
    },
    {
        what: "Lambda: UpdateFunctionConfiguration (a layer) on *",
        compute: (role) => [res(aws.lambda.Function, "fn", { name: "fn", role: roleArn(role) })],
        service: "lambda.amazonaws.com",
        grant: [allow("lambda:UpdateFunctionConfiguration")],
        scoped: [
            allow("lambda:UpdateFunctionConfiguration", `arn:aws:lambda:*:${A}:function:app-*`),
        ],
        names: ["lambda:UpdateFunctionConfiguration"],
    },
    {
        what: "SSM: SendCommand on an instance whose instance profile role is admin",
        compute: (role) => [
            res(aws.iam.InstanceProfile, "prof", { name: "prof", role }),
            res(aws.ec2.Instance, "vm", { iamInstanceProfile: "prof", instanceType: "t3.micro" }),
        ],
        service: "ec2.amazonaws.com",
        grant: [allow(["ssm:SendCommand"])],
        scoped: [allow("ssm:SendCommand", `arn:aws:ssm:*:${A}:document/AWS-RunShellScript`)],
        names: ["ssm:SendCommand", "Instance vm"],
    },
    {
        what: "SSM: StartSession on the same",
        compute: (role) => [
            res(aws.iam.InstanceProfile, "prof", { name: "prof", role }),
            res(aws.ec2.Instance, "vm", { iamInstanceProfile: "prof" }),
        ],
        service: "ec2.amazonaws.com",
        grant: [allow("ssm:Start*")],
        scoped: [allow("ssm:StartSession", `arn:aws:ssm:*:${A}:document/*`)],
        names: ["ssm:StartSession"],
    },
    {
        what: "CodeBuild: StartBuild on a project with an admin service role",
        compute: (role) => [
            res(aws.codebuild.Project, "build", { name: "build", serviceRole: roleArn(role) }),
        ],
        service: "codebuild.amazonaws.com",
        grant: [allow("codebuild:StartBuild", `arn:aws:codebuild:us-east-1:${A}:project/build`)],
        scoped: [allow("codebuild:StartBuild", `arn:aws:codebuild:us-east-1:${A}:project/other`)],
        names: ["codebuild:StartBuild", "Project build"],
    },
    {
        what: "CloudFormation: UpdateStack on a stack with an admin role",
        compute: (role) => [
            res(aws.cloudformation.Stack, "stk", { name: "stk", iamRoleArn: roleArn(role) }),
        ],
        service: "cloudformation.amazonaws.com",
        grant: [allow("cloudformation:UpdateStack", `arn:aws:cloudformation:*:${A}:stack/stk/*`)],
        scoped: [
            allow("cloudformation:UpdateStack", `arn:aws:cloudformation:*:${A}:stack/other/*`),
        ],
        names: ["cloudformation:UpdateStack", "Stack stk"],
    },
    {
        what: "SageMaker: CreatePresignedNotebookInstanceUrl on a notebook with an admin role",
        compute: (role) => [
            res(aws.sagemaker.NotebookInstance, "nb", { name: "nb", roleArn: roleArn(role) }),
        ],
        service: "sagemaker.amazonaws.com",
        grant: [allow("sagemaker:CreatePresignedNotebookInstanceUrl")],
        scoped: [
            allow(
                "sagemaker:CreatePresignedNotebookInstanceUrl",
                `arn:aws:sagemaker:*:${A}:notebook-instance/other`,
            ),
        ],
        names: ["sagemaker:CreatePresignedNotebookInstanceUrl", "NotebookInstance nb"],
    },
    {
        what: "Glue: UpdateDevEndpoint on an endpoint with an admin role",
        compute: (role) => [
            res(aws.glue.DevEndpoint, "dep", { name: "dep", roleArn: roleArn(role) }),
        ],
        service: "glue.amazonaws.com",
        grant: [allow("glue:UpdateDevEndpoint")],
        scoped: [allow("glue:UpdateDevEndpoint", `arn:aws:glue:*:${A}:devEndpoint/other`)],
        names: ["glue:UpdateDevEndpoint"],
    },
    {
        what: "Batch: SubmitJob on a job definition with an admin job role (containerProperties JSON)",
        compute: (role) => [
            res(aws.batch.JobDefinition, "job", {
                name: "job",
                type: "container",
                containerProperties: JSON.stringify({
                    image: "busybox",
                    jobRoleArn: roleArn(role),
                }),
            }),
        ],
        service: "ecs-tasks.amazonaws.com",
        grant: [allow("batch:SubmitJob")],
        scoped: [allow("batch:SubmitJob", `arn:aws:batch:*:${A}:job-definition/other`)],
        names: ["batch:SubmitJob", "JobDefinition job"],
    },
    {
        what: "App Runner: UpdateService on a service with an admin instance role",
        compute: (role) => [
            res(aws.apprunner.Service, "web", {
                serviceName: "web",
                instanceConfiguration: { instanceRoleArn: roleArn(role) },
            }),
        ],
        service: "tasks.apprunner.amazonaws.com",
        grant: [allow("apprunner:UpdateService")],
        scoped: [allow("apprunner:UpdateService", `arn:aws:apprunner:*:${A}:service/other/*`)],
        names: ["apprunner:UpdateService", "Service web"],
    },
    {
        what: "ECS: RunTask on a task definition with an admin task role, with PassRole on it",
        compute: (role) => [
            res(aws.ecs.TaskDefinition, "td", {
                family: "td",
                taskRoleArn: roleArn(role),
                containerDefinitions: "[]",
            }),
        ],
        service: "ec2.amazonaws.com",
        grant: [allow("ecs:RunTask"), allow("iam:PassRole", roleArn("fn-role"))],
        // RunTask alone: ECS needs iam:PassRole on the task role.
        scoped: [allow("ecs:RunTask")],
        names: ["ecs:RunTask", "iam:PassRole", "TaskDefinition td"],
    },
    {
        what: "EventBridge Scheduler: UpdateSchedule on a schedule with an admin role, with PassRole on it",
        compute: (role) => [
            res(aws.scheduler.Schedule, "sch", {
                name: "sch",
                target: {
                    arn: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
                    roleArn: roleArn(role),
                },
            }),
        ],
        service: "ec2.amazonaws.com",
        grant: [allow("scheduler:UpdateSchedule"), allow("iam:PassRole", roleArn("fn-role"))],
        scoped: [allow("scheduler:UpdateSchedule"), allow("iam:PassRole", roleArn("other"))],
        names: ["scheduler:UpdateSchedule", "Schedule sch"],
    },
    {
        what: "EC2 Instance Connect: SendSSHPublicKey on an instance whose instance profile role is admin",
        compute: (role) => [
            res(aws.iam.InstanceProfile, "prof", { name: "prof", role }),
            res(aws.ec2.Instance, "vm", { iamInstanceProfile: "prof" }),
        ],
        service: "ec2.amazonaws.com",
        grant: [allow("ec2-instance-connect:SendSSHPublicKey")],
        scoped: [
            allow(
                "ec2-instance-connect:SendSSHPublicKey",
                `arn:aws:ec2:*:${A}:instance/i-0123456789abcdef0`,
            ),
        ],
        names: ["ec2-instance-connect:SendSSHPublicKey", "Instance vm"],
    },
    {
        what: "EC2: ModifyInstanceAttribute (user data) on an instance whose instance profile role is admin",
        compute: (role) => [
            res(aws.iam.InstanceProfile, "prof", { name: "prof", role }),
            res(aws.ec2.Instance, "vm", { iamInstanceProfile: "prof" }),
        ],
        service: "ec2.amazonaws.com",
        grant: [allow("ec2:ModifyInstance*")],
        scoped: [allow("ec2:ModifyInstanceAttribute", `arn:aws:ec2:*:${A}:instance/i-other`)],
        names: ["ec2:ModifyInstanceAttribute", "Instance vm"],
    },
    {
        what: "CodeBuild: StartBuildBatch on a project with an admin service role",
        compute: (role) => [
            res(aws.codebuild.Project, "build", { name: "build", serviceRole: roleArn(role) }),
        ],
        service: "codebuild.amazonaws.com",
        grant: [allow("codebuild:StartBuildBatch")],
        scoped: [allow("codebuild:StartBuildBatch", `arn:aws:codebuild:*:${A}:project/other`)],
        names: ["codebuild:StartBuildBatch", "Project build"],
    },
    {
        what: "CloudFormation: CreateChangeSet + ExecuteChangeSet on a stack with an admin role",
        compute: (role) => [
            res(aws.cloudformation.Stack, "stk", { name: "stk", iamRoleArn: roleArn(role) }),
        ],
        service: "cloudformation.amazonaws.com",
        grant: [
            allow("cloudformation:CreateChangeSet"),
            allow("cloudformation:ExecuteChangeSet", `arn:aws:cloudformation:*:${A}:stack/stk/*`),
        ],
        // A change set nobody may execute changes nothing (PMapper checks both).
        scoped: [
            allow("cloudformation:CreateChangeSet"),
            allow("cloudformation:ExecuteChangeSet", `arn:aws:cloudformation:*:${A}:stack/other/*`),
        ],
        names: ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet", "Stack stk"],
    },
    {
        what: "ECS: StartTask on a task definition with an admin task role, with PassRole on it",
        compute: (role) => [
            res(aws.ecs.TaskDefinition, "td", {
                family: "td",
                taskRoleArn: roleArn(role),
                containerDefinitions: "[]",
            }),
        ],
        // A role ECS tasks cannot assume: only the task definition running as it makes this admin
        // (with ecs-tasks.amazonaws.com trusted, PassRole + StartTask would be admin anyway).
        service: "ec2.amazonaws.com",
        grant: [allow("ecs:StartTask"), allow("iam:PassRole", roleArn("fn-role"))],
        scoped: [
            allow("ecs:StartTask", `arn:aws:ecs:*:${A}:task-definition/other:*`),
            allow("iam:PassRole", roleArn("fn-role")),
        ],
        names: ["ecs:StartTask", "iam:PassRole", "TaskDefinition td"],
    },
    {
        what: "ECS: ExecuteCommand on the tasks of a service (ECS Exec on) whose task role is admin",
        compute: (role) => [
            res(aws.ecs.TaskDefinition, "td", {
                family: "td",
                taskRoleArn: roleArn(role),
                containerDefinitions: "[]",
            }),
            res(aws.ecs.Service, "svc", {
                name: "svc",
                cluster: `arn:aws:ecs:eu-west-1:${A}:cluster/main`,
                taskDefinition: `arn:aws:ecs:eu-west-1:${A}:task-definition/td:3`,
                enableExecuteCommand: true,
            }),
        ],
        service: "ecs-tasks.amazonaws.com",
        grant: [allow("ecs:ExecuteCommand", `arn:aws:ecs:*:${A}:task/main/*`)],
        scoped: [allow("ecs:ExecuteCommand", `arn:aws:ecs:*:${A}:task/other-cluster/*`)],
        names: ["ecs:ExecuteCommand", "Service svc"],
    },
    {
        what: "PassRole on a named admin role a service trusts + a consumer of that service",
        compute: () => [],
        service: "lambda.amazonaws.com",
        grant: [
            allow("iam:PassRole", roleArn("fn-role")),
            allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
        ],
        scoped: [allow("iam:PassRole", roleArn("fn-role")), allow(["ec2:RunInstances"])],
        names: ["iam:PassRole on " + roleArn("fn-role"), "lambda:CreateFunction"],
    },
];

async function run(specs: StackResourceSpec[]) {
    return runStackPolicy(iamNoAdminPrincipals, specs);
}

describe("iam-no-admin-principals: code I can change runs as an admin role", () => {
    for (const m of METHODS)
        describe(m.what, () => {
            for (const [encoding, encode] of ENCODINGS) {
                it(`flags the principal allowed it (${encoding})`, async () => {
                    const r = await run([
                        serviceRole("fn-role", m.service, true),
                        ...m.compute("fn-role"),
                        ...dev(encode(m.grant)),
                    ]);
                    assert.strictEqual(
                        r.violations.length,
                        1,
                        r.violations.map((v) => v.message).join("\n"),
                    );
                    const [v] = r.violations;
                    assert.ok(v.urn?.endsWith("::dev"), v.urn);
                    for (const f of [...m.names, roleArn("fn-role"), "admin-equivalent"])
                        assert.ok(v.message.includes(f), `"${f}" missing:\n${v.message}`);
                });
                it(`passes when the role is not admin-equivalent, or the grant misses the resource (${encoding})`, async () => {
                    const notAdmin = await run([
                        serviceRole("fn-role", m.service, false),
                        ...m.compute("fn-role"),
                        ...dev(encode(m.grant)),
                    ]);
                    assert.deepStrictEqual(
                        notAdmin.violations.map((v) => v.message),
                        [],
                    );
                    const missed = await run([
                        serviceRole("fn-role", m.service, true),
                        ...m.compute("fn-role"),
                        ...dev(encode(m.scoped)),
                    ]);
                    assert.deepStrictEqual(
                        missed.violations.map((v) => v.message),
                        [],
                    );
                });
            }
        });

    it("honours iam:PassedToService: passing the admin role only to a service that does not run it is safe", async () => {
        const withPassedTo = (service: string, actions: string[], compute: StackResourceSpec[]) =>
            run([
                serviceRole("fn-role", "lambda.amazonaws.com", true),
                ...compute,
                ...dev(
                    JSON.stringify(
                        policyDoc(
                            {
                                ...allow("iam:PassRole", roleArn("fn-role")),
                                Condition: { StringEquals: { "iam:PassedToService": service } },
                            },
                            allow(actions),
                        ),
                    ),
                ),
            ]);
        const lambda = await withPassedTo("lambda.amazonaws.com", ["lambda:CreateFunction"], []);
        assert.strictEqual(lambda.violations.length, 1);
        assert.match(lambda.violations[0].message, /lambda:CreateFunction/);
        const firehose = await withPassedTo(
            "firehose.amazonaws.com",
            ["lambda:CreateFunction"],
            [],
        );
        assert.deepStrictEqual(
            firehose.violations.map((v) => v.message),
            [],
        );
        const td = [
            res(aws.ecs.TaskDefinition, "td", { family: "td", taskRoleArn: roleArn("fn-role") }),
        ];
        const ecs = await withPassedTo("ecs-tasks.amazonaws.com", ["ecs:RunTask"], td);
        assert.strictEqual(ecs.violations.length, 1);
        assert.match(ecs.violations[0].message, /ecs:RunTask on TaskDefinition td/);
        const ecsElsewhere = await withPassedTo("firehose.amazonaws.com", ["ecs:RunTask"], td);
        assert.deepStrictEqual(
            ecsElsewhere.violations.map((v) => v.message),
            [],
        );
    });

    it("passes a named admin role whose trust lets in no service the principal can start code in", async () => {
        const r = await run([
            serviceRole("fn-role", "ec2.amazonaws.com", true),
            ...dev(
                policyDoc(
                    allow("iam:PassRole", roleArn("fn-role")),
                    allow(["lambda:CreateFunction"]),
                ),
            ),
        ]);
        assert.deepStrictEqual(
            r.violations.map((v) => v.message),
            [],
        );
    });

    it("does not report the compute's own role, nor twice what PassRole on * already shows", async () => {
        // The admin role may update its own function: it is admin already (iam-no-admin-grants).
        const own = await run([
            serviceRole("fn-role", "lambda.amazonaws.com", true),
            res(aws.lambda.Function, "fn", { name: "fn", role: roleArn("fn-role") }),
        ]);
        assert.deepStrictEqual(
            own.violations.map((v) => v.message),
            [],
        );
        const twice = await run([
            serviceRole("fn-role", "lambda.amazonaws.com", true),
            ...dev(JSON.stringify(policyDoc(allow("iam:PassRole")))),
            res(aws.iam.RolePolicy, "dev-2", {
                name: "dev-2",
                role: "dev",
                policy: JSON.stringify(policyDoc(allow("lambda:CreateFunction"))),
            }),
        ]);
        assert.strictEqual(twice.violations.length, 1);
        assert.match(twice.violations[0].message, /iam:PassRole on any role/);
    });

    it("the compute types are @pulumi/aws types, and their actions are single-action escalations", () => {
        const classes: Record<string, unknown> = {
            "aws:lambda/function:Function": aws.lambda.Function,
            "aws:ec2/instance:Instance": aws.ec2.Instance,
            "aws:codebuild/project:Project": aws.codebuild.Project,
            "aws:cloudformation/stack:Stack": aws.cloudformation.Stack,
            "aws:sagemaker/notebookInstance:NotebookInstance": aws.sagemaker.NotebookInstance,
            "aws:glue/devEndpoint:DevEndpoint": aws.glue.DevEndpoint,
            "aws:batch/jobDefinition:JobDefinition": aws.batch.JobDefinition,
            "aws:apprunner/service:Service": aws.apprunner.Service,
            "aws:ecs/taskDefinition:TaskDefinition": aws.ecs.TaskDefinition,
            "aws:ecs/service:Service": aws.ecs.Service,
            "aws:scheduler/schedule:Schedule": aws.scheduler.Schedule,
        };
        assert.deepStrictEqual(Object.keys(COMPUTE_TYPES).sort(), Object.keys(classes).sort());
        for (const [token, cls] of Object.entries(classes))
            assert.strictEqual(pulumiTypeOf(cls as object), token);
        const single = SINGLE_ACTION_ESCALATIONS.map((e) => e.action);
        for (const [token, t] of Object.entries(COMPUTE_TYPES))
            if (!t.passRole)
                for (const a of t.actions) assert.ok(single.includes(a), `${token}: ${a}`);
        assert.strictEqual(
            pulumiTypeOf(aws.iam.InstanceProfile),
            COMPUTE_TYPES["aws:ec2/instance:Instance"].via,
        );
        assert.strictEqual(
            pulumiTypeOf(aws.ecs.TaskDefinition),
            COMPUTE_TYPES["aws:ecs/service:Service"].via,
        );
    });

    it("every published run-as-role method is in the data, and each has a method above", () => {
        // Hand-listed from the published methods (Rhino Security Labs, PMapper's edges): dropping
        // one from policypack/iam/data/run-as-role.json fails here and in its METHODS test.
        const published: Record<string, string[]> = {
            "aws:lambda/function:Function": [
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
            ],
            "aws:ec2/instance:Instance": [
                "ssm:SendCommand",
                "ssm:StartSession",
                "ec2-instance-connect:SendSSHPublicKey",
                "ec2:ModifyInstanceAttribute",
            ],
            "aws:codebuild/project:Project": ["codebuild:StartBuild", "codebuild:StartBuildBatch"],
            "aws:cloudformation/stack:Stack": [
                "cloudformation:UpdateStack",
                "cloudformation:CreateChangeSet",
            ],
            "aws:sagemaker/notebookInstance:NotebookInstance": [
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
            "aws:glue/devEndpoint:DevEndpoint": ["glue:UpdateDevEndpoint"],
            "aws:batch/jobDefinition:JobDefinition": ["batch:SubmitJob"],
            "aws:apprunner/service:Service": ["apprunner:UpdateService"],
            "aws:ecs/service:Service": ["ecs:ExecuteCommand"],
            "aws:ecs/taskDefinition:TaskDefinition": ["ecs:RunTask", "ecs:StartTask"],
            "aws:scheduler/schedule:Schedule": ["scheduler:UpdateSchedule"],
        };
        for (const [token, actions] of Object.entries(published)) {
            assert.deepStrictEqual([...COMPUTE_TYPES[token].actions].sort(), [...actions].sort());
            for (const a of actions)
                assert.ok(
                    METHODS.some((m) => m.names.includes(a)),
                    `${a} has no must-flag/must-pass method`,
                );
        }
    });

    it("ECS Exec: a service without enableExecuteCommand gives no shell, so no finding", async () => {
        const compute = METHODS.find((m) => m.names.includes("ecs:ExecuteCommand"))!;
        const specs = compute
            .compute("fn-role")
            .map((r) =>
                r.name === "svc" ? { ...r, props: { ...r.props, enableExecuteCommand: false } } : r,
            );
        for (const [, encode] of ENCODINGS) {
            const r = await run([
                serviceRole("fn-role", compute.service, true),
                ...specs,
                ...dev(encode([allow("ecs:ExecuteCommand")])),
            ]);
            assert.deepStrictEqual(
                r.violations.map((v) => v.message),
                [],
            );
        }
    });
});
