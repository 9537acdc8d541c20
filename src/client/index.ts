/** The client SDK's public surface (re-exported from the package root). */
export {
  Admin,
  type ConfigEntry,
  type GroupDescription,
  type NewTopic,
  type OffsetSpec,
  type PartitionOffset,
} from './admin.js'
export { type Assignment, type AssignorName, rangeAssign, roundRobinAssign } from './assignors.js'
export { Client, type ClientOptions } from './client.js'
export type { BrokerInfo, PartitionInfo, TopicInfo } from './cluster.js'
export { Consumer, type ConsumerOptions, type TopicPartition, type TopicPartitionOffset } from './consumer.js'
export {
  ClosedError,
  ConnectionError,
  InvalidOptionError,
  KafkaError,
  PetrelError,
  TimeoutError,
} from './errors.js'
export type { GroupOptions } from './group.js'
export type { ConsumerMessage, ProducerMessage, RecordMetadata } from './message.js'
export { murmur2, partitionForKey } from './partitioner.js'
export { Producer, type ProducerOptions } from './producer.js'
