import { describe } from 'vitest';
import { useContractEnv, type ContractBusFactory } from './bus-contract.test-helpers.js';
import { describeCoreContract } from './bus-core.contract.js';
import { describeDurableContract } from './bus-durable.contract.js';
import { describeLifecycleContract } from './bus-lifecycle.contract.js';
import { describeRedeliveryContract } from './bus-redelivery.contract.js';

export type { ContractBus, ContractBusFactory, ContractBusOptions } from './bus-contract.test-helpers.js';

/**
 * The behaviour every {@link EventBus} adapter must show. Each adapter's spec
 * calls this once with a factory that returns a fresh bus, a random subject
 * prefix (also the start of every stream name a test creates) and a cleanup
 * that closes the bus and deletes those streams. Test names are identical
 * across adapters.
 */
export function describeEventBusContract(adapterName: string, factory: ContractBusFactory): void {
  describe(`EventBus contract: ${adapterName}`, () => {
    const env = useContractEnv(factory);
    describeDurableContract(env);
    describeRedeliveryContract(env);
    describeCoreContract(env);
    describeLifecycleContract(env);
  });
}
