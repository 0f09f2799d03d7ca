// The published privilege-escalation methods end to end through the pack, each as a must-flag
// policy and a must-pass variant, in JSON-string and object encodings:
// https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/ and the later
// additions (SSM on instances with powerful profiles, Glue interactive sessions, SageMaker,
// CodeBuild, CloudFormation, ECS, Batch, App Runner, EventBridge Scheduler, Step Functions).
// Two shapes:
// (a) iam:PassRole + an action that starts code under the passed role: admin-equivalent
//     (iam-no-admin-grants, mandatory), bounded by naming the roles or iam:PassedToService;
// (b) one action on existing compute that already runs as some role: iam-no-escalation-actions
//     (advisory), bounded by naming the resources.
// The requests each flagged policy allows are cross-checked with @cloud-copilot/iam-simulate.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { passedToServices } from "../../policypack/iam";
import { iamNoAdminGrants, iamNoEscalationActions } from "../../policypack/policies";
import { assertViolations, Json, policyDoc, runResourcePolicy } from "./helpers";

const A = "123456789012";
const APP_ROLE = `arn:aws:iam::${A}:role/app-worker`;

/** PassRole + consumer methods: the consumer actions and the service the role is passed to. */
const PASSROLE_METHODS: Array<{ method: string; actions: string[]; service: string }> = [
    {
        method: "Lambda: CreateFunction + InvokeFunction",
        actions: ["lambda:CreateFunction", "lambda:InvokeFunction"],
        service: "lambda",
    },
    {
        method: "Lambda: UpdateFunctionConfiguration (swap the role)",
        actions: ["lambda:UpdateFunctionConfiguration"],
        service: "lambda",
    },
    { method: "EC2: RunInstances", actions: ["ec2:RunInstances"], service: "ec2" },
    {
        method: "EC2: AssociateIamInstanceProfile + ssm:SendCommand",
        actions: ["ec2:AssociateIamInstanceProfile", "ssm:SendCommand"],
        service: "ec2",
    },
    {
        method: "EC2: ReplaceIamInstanceProfileAssociation",
        actions: ["ec2:ReplaceIamInstanceProfileAssociation"],
        service: "ec2",
    },
    {
        method: "Auto Scaling: CreateLaunchConfiguration",
        actions: ["autoscaling:CreateLaunchConfiguration"],
        service: "autoscaling",
    },
    { method: "Glue: CreateDevEndpoint", actions: ["glue:CreateDevEndpoint"], service: "glue" },
    { method: "Glue: CreateJob", actions: ["glue:CreateJob", "glue:StartJobRun"], service: "glue" },
    {
        method: "Glue: CreateSession (interactive session)",
        actions: ["glue:CreateSession"],
        service: "glue",
    },
    {
        method: "CloudFormation: CreateStack",
        actions: ["cloudformation:CreateStack"],
        service: "cloudformation",
    },
    {
        method: "CloudFormation: CreateStackSet",
        actions: ["cloudformation:CreateStackSet"],
        service: "cloudformation",
    },
    {
        method: "Data Pipeline: CreatePipeline",
        actions: ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
        service: "datapipeline",
    },
    {
        method: "SageMaker: CreateNotebookInstance",
        actions: ["sagemaker:CreateNotebookInstance"],
        service: "sagemaker",
    },
    {
        method: "SageMaker: CreateTrainingJob",
        actions: ["sagemaker:CreateTrainingJob"],
        service: "sagemaker",
    },
    {
        method: "SageMaker: CreateProcessingJob",
        actions: ["sagemaker:CreateProcessingJob"],
        service: "sagemaker",
    },
    {
        method: "CodeBuild: CreateProject + StartBuild",
        actions: ["codebuild:CreateProject", "codebuild:StartBuild"],
        service: "codebuild",
    },
    {
        method: "CodeBuild: StartBuild with a service-role override",
        actions: ["codebuild:StartBuild"],
        service: "codebuild",
    },
    {
        method: "ECS: RegisterTaskDefinition + RunTask",
        actions: ["ecs:RegisterTaskDefinition", "ecs:RunTask"],
        service: "ecs",
    },
    { method: "ECS: CreateService", actions: ["ecs:CreateService"], service: "ecs" },
    {
        method: "Batch: RegisterJobDefinition + SubmitJob",
        actions: ["batch:RegisterJobDefinition", "batch:SubmitJob"],
        service: "batch",
    },
    {
        method: "App Runner: CreateService",
        actions: ["apprunner:CreateService"],
        service: "apprunner",
    },
    {
        method: "App Runner: UpdateService",
        actions: ["apprunner:UpdateService"],
        service: "apprunner",
    },
    {
        method: "EventBridge Scheduler: CreateSchedule (universal target)",
        actions: ["scheduler:CreateSchedule"],
        service: "scheduler",
    },
    {
        method: "Step Functions: CreateStateMachine",
        actions: ["states:CreateStateMachine", "states:StartExecution"],
        service: "states",
    },
    {
        method: "Step Functions: UpdateStateMachine",
        actions: ["states:UpdateStateMachine"],
        service: "states",
    },
    {
        method: "EMR: AddJobFlowSteps with a runtime role",
        actions: ["elasticmapreduce:AddJobFlowSteps"],
        service: "elasticmapreduce",
    },
    { method: "EKS: CreateNodegroup", actions: ["eks:CreateNodegroup"], service: "eks" },
];

/** Single actions on existing compute that runs as a role, with a resource of each. */
const SINGLE_METHODS: Array<{ method: string; action: string; resource: string }> = [
    {
        method: "Lambda: UpdateFunctionCode",
        action: "lambda:UpdateFunctionCode",
        resource: `arn:aws:lambda:us-east-1:${A}:function:app`,
    },
    {
        method: "Lambda: UpdateFunctionConfiguration (layers)",
        action: "lambda:UpdateFunctionConfiguration",
        resource: `arn:aws:lambda:us-east-1:${A}:function:app`,
    },
    {
        method: "Glue: UpdateDevEndpoint (SSH key)",
        action: "glue:UpdateDevEndpoint",
        resource: `arn:aws:glue:us-east-1:${A}:devEndpoint/app`,
    },
    {
        method: "SSM: SendCommand on an instance",
        action: "ssm:SendCommand",
        resource: `arn:aws:ec2:us-east-1:${A}:instance/i-0123456789abcdef0`,
    },
    {
        method: "SSM: StartSession on an instance",
        action: "ssm:StartSession",
        resource: `arn:aws:ec2:us-east-1:${A}:instance/i-0123456789abcdef0`,
    },
    {
        method: "EC2 Instance Connect: SendSSHPublicKey",
        action: "ec2-instance-connect:SendSSHPublicKey",
        resource: `arn:aws:ec2:us-east-1:${A}:instance/i-0123456789abcdef0`,
    },
    {
        method: "ECS: ExecuteCommand",
        action: "ecs:ExecuteCommand",
        resource: `arn:aws:ecs:us-east-1:${A}:task/app/0123`,
    },
    {
        method: "CodeBuild: StartBuild with a buildspec override",
        action: "codebuild:StartBuild",
        resource: `arn:aws:codebuild:us-east-1:${A}:project/app`,
    },
    {
        method: "CloudFormation: UpdateStack with the stack's role",
        action: "cloudformation:UpdateStack",
        resource: `arn:aws:cloudformation:us-east-1:${A}:stack/app/1`,
    },
    {
        method: "SageMaker: CreatePresignedNotebookInstanceUrl",
        action: "sagemaker:CreatePresignedNotebookInstanceUrl",
        resource: `arn:aws:sagemaker:us-east-1:${A}:notebook-instance/app`,
    },
    {
        method: "Batch: SubmitJob with a command override",
        action: "batch:SubmitJob",
        resource: `arn:aws:batch:us-east-1:${A}:job-definition/app`,
    },
    {
        method: "App Runner: UpdateService (new image)",
        action: "apprunner:UpdateService",
        resource: `arn:aws:apprunner:us-east-1:${A}:service/app/0123`,
    },
];

const ENCODINGS: Array<[string, (doc: Json) => unknown]> = [
    ["JSON string", (doc) => JSON.stringify(doc)],
    ["object", (doc) => doc],
];

async function adminGrants(policy: unknown): Promise<string[]> {
    return (await runResourcePolicy(iamNoAdminGrants, aws.iam.RolePolicy, { role: "app", policy }))
        .violations;
}

async function escalations(policy: unknown): Promise<string[]> {
    return (await runResourcePolicy(iamNoEscalationActions, aws.iam.Policy, { name: "p", policy }))
        .violations;
}

/** Whether iam-simulate allows the request under the one identity policy. */
async function simAllows(
    doc: Json,
    action: string,
    resource: string,
    context: Record<string, string> = {},
): Promise<boolean> {
    const result = await runSimulation(
        {
            request: {
                principal: `arn:aws:iam::${A}:role/caller`,
                action,
                resource: { resource, accountId: A },
                contextVariables: { "aws:PrincipalAccount": A, ...context },
            },
            identityPolicies: [{ name: "p", policy: doc }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    assert.notStrictEqual(result.resultType, "error", JSON.stringify(result));
    return result.resultType !== "error" && result.overallResult === "Allowed";
}

describe("published escalation methods: iam:PassRole + a consumer (iam-no-admin-grants)", () => {
    for (const m of PASSROLE_METHODS)
        describe(m.method, () => {
            const service = passedToServices(m.service)[0];
            const flagged = policyDoc({
                Effect: "Allow",
                Action: ["iam:PassRole", ...m.actions],
                Resource: "*",
            });
            // The same power split over two statements, one with a single Statement-object
            // style of Action string.
            const split = policyDoc(
                { Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
                { Effect: "Allow", Action: m.actions, Resource: "*" },
            );
            for (const [encoding, encode] of ENCODINGS) {
                it(`flags PassRole on any role with ${m.actions.join(" + ")} (${encoding})`, async () => {
                    for (const doc of [flagged, split])
                        assertViolations(
                            { violations: await adminGrants(encode(doc)) },
                            1,
                            "iam:PassRole on any role",
                            m.actions
                                .find((a) => !a.startsWith("ssm:") && !a.endsWith("Invoke"))!
                                .split(":")[0],
                        );
                });
                it(`passes PassRole on a named role, or bounded to another service (${encoding})`, async () => {
                    const named = policyDoc(
                        { Effect: "Allow", Action: "iam:PassRole", Resource: APP_ROLE },
                        { Effect: "Allow", Action: m.actions, Resource: "*" },
                    );
                    const bounded = policyDoc(
                        {
                            Effect: "Allow",
                            Action: "iam:PassRole",
                            Resource: "*",
                            Condition: {
                                StringEquals: { "iam:PassedToService": "firehose.amazonaws.com" },
                            },
                        },
                        { Effect: "Allow", Action: m.actions, Resource: "*" },
                    );
                    assert.deepStrictEqual(await adminGrants(encode(named)), []);
                    assert.deepStrictEqual(await adminGrants(encode(bounded)), []);
                });
            }
            it("iam-simulate agrees: the flagged policy passes any role to the service and starts the code; the bounded one does not pass it", async () => {
                const anyRole = `arn:aws:iam::${A}:role/admin`;
                const ctx = { "iam:PassedToService": service };
                assert.ok(await simAllows(flagged, "iam:PassRole", anyRole, ctx));
                for (const a of m.actions) assert.ok(await simAllows(flagged, a, "*"), a);
                const bounded = policyDoc({
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: "*",
                    Condition: {
                        StringEquals: { "iam:PassedToService": "firehose.amazonaws.com" },
                    },
                });
                assert.ok(!(await simAllows(bounded, "iam:PassRole", anyRole, ctx)));
            });
        });

    it("passes PassRole with a consumer that only references the role (CloudFormation DeleteStack, managed secret rotation)", async () => {
        for (const actions of [
            ["cloudformation:DeleteStack", "cloudformation:RollbackStack"],
            ["secretsmanager:RotateSecret"],
        ])
            for (const [, encode] of ENCODINGS)
                assert.deepStrictEqual(
                    await adminGrants(
                        encode(
                            policyDoc({
                                Effect: "Allow",
                                Action: ["iam:PassRole", ...actions],
                                Resource: "*",
                            }),
                        ),
                    ),
                    [],
                    actions.join(","),
                );
    });

    it("flags the consumers through wildcards and case (scheduler:*, EC2:associate*)", async () => {
        for (const actions of [["scheduler:*"], ["EC2:associateiaminstance*"], ["states:*State*"]])
            assertViolations(
                {
                    violations: await adminGrants(
                        policyDoc({
                            Effect: "Allow",
                            Action: ["iam:Pass*", ...actions],
                            Resource: "*",
                        }),
                    ),
                },
                1,
                "iam:PassRole on any role",
            );
    });
});

describe("published escalation methods: one action on existing compute (iam-no-escalation-actions)", () => {
    for (const m of SINGLE_METHODS)
        for (const [encoding, encode] of ENCODINGS) {
            it(`${m.method}: flags ${m.action} on every resource (${encoding})`, async () => {
                const doc = policyDoc({ Effect: "Allow", Action: m.action, Resource: "*" });
                assertViolations({ violations: await escalations(encode(doc)) }, 1, m.action);
                assert.ok(await simAllows(doc, m.action, m.resource));
            });
            it(`${m.method}: passes ${m.action} on one named resource (${encoding})`, async () => {
                const doc = policyDoc({
                    Effect: "Allow",
                    Action: [m.action],
                    Resource: m.resource,
                });
                assert.deepStrictEqual(await escalations(encode(doc)), []);
            });
        }
});
