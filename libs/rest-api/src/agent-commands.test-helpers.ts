import type { AgentCommands, CommandResult } from '@shepherd/config-service';

/** Records restarts and answers with `answer` (by default a fixed result on gateway `gw-1`). */
export class FakeAgentCommands implements AgentCommands {
  readonly restarts: Array<[string, string, string]> = [];

  constructor(private readonly answer: (uid: string) => CommandResult = () => ({ commandId: 'command:restart:fake', gatewayId: 'gw-1' })) {}

  async restart(tenantId: string, instanceUid: string, actor: string): Promise<CommandResult> {
    this.restarts.push([tenantId, instanceUid, actor]);
    return this.answer(instanceUid);
  }
}
