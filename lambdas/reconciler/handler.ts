/** The deployed reconciler: configuration from the environment, once per container. */
import { createReconciler, reconcilerConfigFromEnv } from './reconcile-handler.ts';

export const handler = createReconciler(reconcilerConfigFromEnv(process.env));
