export {
  isWebhookEvent,
  publicEventCatalogue,
  publicEventSourceTypes,
  publicEventSourceTypesOf,
  publicEventsOf,
  webhookBodyOf,
  PUBLIC_EVENT_CATALOGUE_FORMAT,
  type PublicEvent,
  type PublicEventCatalogueDocument,
  type PublicEventData,
  type PublicEventSchemaEntry,
  type PublicJsonValue,
  type PublicSourceEvent,
} from './public-event.js';
export { publicEventDefinitions, type PublicEventDefinition, type PublicEventPayload } from './public-event.schemas.js';
export { derivedPublicEventId, PUBLIC_EVENT_ID_NAMESPACE } from './public-event.id.js';
