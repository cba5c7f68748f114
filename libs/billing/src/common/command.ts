/** What every command carries besides its data. `now` is an ISO-8601 instant: the domain never reads a clock. */
export interface CommandMetadata {
  now: string;
}

export type DomainCommand<Type extends string, Data> = { type: Type; data: Data; metadata: CommandMetadata };
