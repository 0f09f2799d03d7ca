// org-access: one program, two kinds of stack. This file only dispatches on the stack name and
// exports the chosen stack's outputs.
import * as pulumi from "@pulumi/pulumi";
import { buildStack } from "./stacks";

export = buildStack(pulumi.getStack());
