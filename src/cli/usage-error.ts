/** A command line the CLI cannot run: printed without a stack, exit status 2. */
export class UsageError extends Error {}
