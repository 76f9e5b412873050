/**
 * The OpAMP gateway process: WebSocket and plain HTTP on OPAMP_PORT, bearer
 * auth, ownership in the ownership store, agent events on the bus. It never
 * opens the store. This file only composes; logic lives in libs.
 */
import { runApp } from '@shepherd/bootstrap';
import { gatewayModule } from '@shepherd/gateway';

await runApp({ name: 'gateway', modules: [gatewayModule] });
