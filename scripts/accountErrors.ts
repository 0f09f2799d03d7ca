import { UsageError } from "../cli/command";

/** A refused account command: the message says what is wrong and how to fix it (exit 2). */
export class AccountCommandError extends UsageError {}
