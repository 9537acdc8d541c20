// Transcribed by a throwaway script from Apache Kafka's message specs (Apache-2.0), field names
// lower-camel-cased. Interim: replaced by src/protocol/kafka/generated/ when the codec branch lands.
import type { MessageSchema } from './schema.js'

export const ApiVersionsRequest: MessageSchema = {
  apiKey: 18,
  valid: [0, 4],
  flexible: 3,
  fields: [
    { n: 'clientSoftwareName', t: 'string', v: [3, 99] },
    { n: 'clientSoftwareVersion', t: 'string', v: [3, 99] },
  ],
}

export const ApiVersionsResponse: MessageSchema = {
  apiKey: 18,
  valid: [0, 4],
  flexible: 3,
  fields: [
    { n: 'errorCode', t: 'int16', v: [0, 99] },
    {
      n: 'apiKeys',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'apiKey', t: 'int16', v: [0, 99] },
        { n: 'minVersion', t: 'int16', v: [0, 99] },
        { n: 'maxVersion', t: 'int16', v: [0, 99] },
      ],
    },
    { n: 'throttleTimeMs', t: 'int32', v: [1, 99] },
    {
      n: 'supportedFeatures',
      t: '[]struct',
      v: [3, 99],
      tv: [3, 99],
      tag: 0,
      f: [
        { n: 'name', t: 'string', v: [3, 99] },
        { n: 'minVersion', t: 'int16', v: [3, 99] },
        { n: 'maxVersion', t: 'int16', v: [3, 99] },
      ],
    },
    { n: 'finalizedFeaturesEpoch', t: 'int64', v: [3, 99], tv: [3, 99], tag: 1, d: '-1' },
    {
      n: 'finalizedFeatures',
      t: '[]struct',
      v: [3, 99],
      tv: [3, 99],
      tag: 2,
      f: [
        { n: 'name', t: 'string', v: [3, 99] },
        { n: 'maxVersionLevel', t: 'int16', v: [3, 99] },
        { n: 'minVersionLevel', t: 'int16', v: [3, 99] },
      ],
    },
    { n: 'zkMigrationReady', t: 'bool', v: [3, 99], tv: [3, 99], tag: 3, d: 'false' },
  ],
}

export const MetadataRequest: MessageSchema = {
  apiKey: 3,
  valid: [0, 12],
  flexible: 9,
  fields: [
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      nv: [1, 99],
      f: [
        { n: 'topicId', t: 'uuid', v: [10, 99] },
        { n: 'name', t: 'string', v: [0, 99], nv: [10, 99] },
      ],
    },
    { n: 'allowAutoTopicCreation', t: 'bool', v: [4, 99], d: 'true' },
    { n: 'includeClusterAuthorizedOperations', t: 'bool', v: [8, 10] },
    { n: 'includeTopicAuthorizedOperations', t: 'bool', v: [8, 99] },
  ],
}

export const MetadataResponse: MessageSchema = {
  apiKey: 3,
  valid: [0, 12],
  flexible: 9,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [3, 99] },
    {
      n: 'brokers',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'nodeId', t: 'int32', v: [0, 99] },
        { n: 'host', t: 'string', v: [0, 99] },
        { n: 'port', t: 'int32', v: [0, 99] },
        { n: 'rack', t: 'string', v: [1, 99], nv: [1, 99], d: 'null' },
      ],
    },
    { n: 'clusterId', t: 'string', v: [2, 99], nv: [2, 99], d: 'null' },
    { n: 'controllerId', t: 'int32', v: [1, 99], d: '-1' },
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'name', t: 'string', v: [0, 99], nv: [12, 99] },
        { n: 'topicId', t: 'uuid', v: [10, 99] },
        { n: 'isInternal', t: 'bool', v: [1, 99], d: 'false' },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'errorCode', t: 'int16', v: [0, 99] },
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'leaderId', t: 'int32', v: [0, 99] },
            { n: 'leaderEpoch', t: 'int32', v: [7, 99], d: '-1' },
            { n: 'replicaNodes', t: '[]int32', v: [0, 99] },
            { n: 'isrNodes', t: '[]int32', v: [0, 99] },
            { n: 'offlineReplicas', t: '[]int32', v: [5, 99] },
          ],
        },
        { n: 'topicAuthorizedOperations', t: 'int32', v: [8, 99], d: '-2147483648' },
      ],
    },
    { n: 'clusterAuthorizedOperations', t: 'int32', v: [8, 10], d: '-2147483648' },
  ],
}

export const ProduceRequest: MessageSchema = {
  apiKey: 0,
  valid: [0, 11],
  flexible: 9,
  fields: [
    { n: 'transactionalId', t: 'string', v: [3, 99], nv: [3, 99], d: 'null' },
    { n: 'acks', t: 'int16', v: [0, 99] },
    { n: 'timeoutMs', t: 'int32', v: [0, 99] },
    {
      n: 'topicData',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        {
          n: 'partitionData',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'index', t: 'int32', v: [0, 99] },
            { n: 'records', t: 'records', v: [0, 99], nv: [0, 99] },
          ],
        },
      ],
    },
  ],
}

export const ProduceResponse: MessageSchema = {
  apiKey: 0,
  valid: [0, 11],
  flexible: 9,
  fields: [
    {
      n: 'responses',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        {
          n: 'partitionResponses',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'index', t: 'int32', v: [0, 99] },
            { n: 'errorCode', t: 'int16', v: [0, 99] },
            { n: 'baseOffset', t: 'int64', v: [0, 99] },
            { n: 'logAppendTimeMs', t: 'int64', v: [2, 99], d: '-1' },
            { n: 'logStartOffset', t: 'int64', v: [5, 99], d: '-1' },
            {
              n: 'recordErrors',
              t: '[]struct',
              v: [8, 99],
              f: [
                { n: 'batchIndex', t: 'int32', v: [8, 99] },
                { n: 'batchIndexErrorMessage', t: 'string', v: [8, 99], nv: [8, 99], d: 'null' },
              ],
            },
            { n: 'errorMessage', t: 'string', v: [8, 99], nv: [8, 99], d: 'null' },
            {
              n: 'currentLeader',
              t: 'struct',
              v: [10, 99],
              tv: [10, 99],
              tag: 0,
              f: [
                { n: 'leaderId', t: 'int32', v: [10, 99], d: '-1' },
                { n: 'leaderEpoch', t: 'int32', v: [10, 99], d: '-1' },
              ],
            },
          ],
        },
      ],
    },
    { n: 'throttleTimeMs', t: 'int32', v: [1, 99], d: '0' },
    {
      n: 'nodeEndpoints',
      t: '[]struct',
      v: [10, 99],
      tv: [10, 99],
      tag: 0,
      f: [
        { n: 'nodeId', t: 'int32', v: [10, 99] },
        { n: 'host', t: 'string', v: [10, 99] },
        { n: 'port', t: 'int32', v: [10, 99] },
        { n: 'rack', t: 'string', v: [10, 99], nv: [10, 99], d: 'null' },
      ],
    },
  ],
}

export const FetchRequest: MessageSchema = {
  apiKey: 1,
  valid: [0, 17],
  flexible: 12,
  fields: [
    { n: 'clusterId', t: 'string', v: [12, 99], nv: [12, 99], tv: [12, 99], tag: 0, d: 'null' },
    { n: 'replicaId', t: 'int32', v: [0, 14], d: '-1' },
    {
      n: 'replicaState',
      t: 'struct',
      v: [15, 99],
      tv: [15, 99],
      tag: 1,
      f: [
        { n: 'replicaId', t: 'int32', v: [15, 99], d: '-1' },
        { n: 'replicaEpoch', t: 'int64', v: [15, 99], d: '-1' },
      ],
    },
    { n: 'maxWaitMs', t: 'int32', v: [0, 99] },
    { n: 'minBytes', t: 'int32', v: [0, 99] },
    { n: 'maxBytes', t: 'int32', v: [3, 99], d: '0x7fffffff' },
    { n: 'isolationLevel', t: 'int8', v: [4, 99], d: '0' },
    { n: 'sessionId', t: 'int32', v: [7, 99], d: '0' },
    { n: 'sessionEpoch', t: 'int32', v: [7, 99], d: '-1' },
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'topic', t: 'string', v: [0, 12] },
        { n: 'topicId', t: 'uuid', v: [13, 99] },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partition', t: 'int32', v: [0, 99] },
            { n: 'currentLeaderEpoch', t: 'int32', v: [9, 99], d: '-1' },
            { n: 'fetchOffset', t: 'int64', v: [0, 99] },
            { n: 'lastFetchedEpoch', t: 'int32', v: [12, 99], d: '-1' },
            { n: 'logStartOffset', t: 'int64', v: [5, 99], d: '-1' },
            { n: 'partitionMaxBytes', t: 'int32', v: [0, 99] },
            { n: 'replicaDirectoryId', t: 'uuid', v: [17, 99], tv: [17, 99], tag: 0 },
          ],
        },
      ],
    },
    {
      n: 'forgottenTopicsData',
      t: '[]struct',
      v: [7, 99],
      f: [
        { n: 'topic', t: 'string', v: [7, 12] },
        { n: 'topicId', t: 'uuid', v: [13, 99] },
        { n: 'partitions', t: '[]int32', v: [7, 99] },
      ],
    },
    { n: 'rackId', t: 'string', v: [11, 99], d: '' },
  ],
}

export const FetchResponse: MessageSchema = {
  apiKey: 1,
  valid: [0, 17],
  flexible: 12,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [1, 99] },
    { n: 'errorCode', t: 'int16', v: [7, 99] },
    { n: 'sessionId', t: 'int32', v: [7, 99], d: '0' },
    {
      n: 'responses',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'topic', t: 'string', v: [0, 12] },
        { n: 'topicId', t: 'uuid', v: [13, 99] },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'errorCode', t: 'int16', v: [0, 99] },
            { n: 'highWatermark', t: 'int64', v: [0, 99] },
            { n: 'lastStableOffset', t: 'int64', v: [4, 99], d: '-1' },
            { n: 'logStartOffset', t: 'int64', v: [5, 99], d: '-1' },
            {
              n: 'divergingEpoch',
              t: 'struct',
              v: [12, 99],
              tv: [12, 99],
              tag: 0,
              f: [
                { n: 'epoch', t: 'int32', v: [12, 99], d: '-1' },
                { n: 'endOffset', t: 'int64', v: [12, 99], d: '-1' },
              ],
            },
            {
              n: 'currentLeader',
              t: 'struct',
              v: [12, 99],
              tv: [12, 99],
              tag: 1,
              f: [
                { n: 'leaderId', t: 'int32', v: [12, 99], d: '-1' },
                { n: 'leaderEpoch', t: 'int32', v: [12, 99], d: '-1' },
              ],
            },
            {
              n: 'snapshotId',
              t: 'struct',
              v: [12, 99],
              tv: [12, 99],
              tag: 2,
              f: [
                { n: 'endOffset', t: 'int64', v: [0, 99], d: '-1' },
                { n: 'epoch', t: 'int32', v: [0, 99], d: '-1' },
              ],
            },
            {
              n: 'abortedTransactions',
              t: '[]struct',
              v: [4, 99],
              nv: [4, 99],
              f: [
                { n: 'producerId', t: 'int64', v: [4, 99] },
                { n: 'firstOffset', t: 'int64', v: [4, 99] },
              ],
            },
            { n: 'preferredReadReplica', t: 'int32', v: [11, 99], d: '-1' },
            { n: 'records', t: 'records', v: [0, 99], nv: [0, 99] },
          ],
        },
      ],
    },
    {
      n: 'nodeEndpoints',
      t: '[]struct',
      v: [16, 99],
      tv: [16, 99],
      tag: 0,
      f: [
        { n: 'nodeId', t: 'int32', v: [16, 99] },
        { n: 'host', t: 'string', v: [16, 99] },
        { n: 'port', t: 'int32', v: [16, 99] },
        { n: 'rack', t: 'string', v: [16, 99], nv: [16, 99], d: 'null' },
      ],
    },
  ],
}

export const ListOffsetsRequest: MessageSchema = {
  apiKey: 2,
  valid: [0, 10],
  flexible: 6,
  fields: [
    { n: 'replicaId', t: 'int32', v: [0, 99] },
    { n: 'isolationLevel', t: 'int8', v: [2, 99] },
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'currentLeaderEpoch', t: 'int32', v: [4, 99], d: '-1' },
            { n: 'timestamp', t: 'int64', v: [0, 99] },
            { n: 'maxNumOffsets', t: 'int32', v: [0, 0], d: '1' },
          ],
        },
      ],
    },
    { n: 'timeoutMs', t: 'int32', v: [10, 99] },
  ],
}

export const ListOffsetsResponse: MessageSchema = {
  apiKey: 2,
  valid: [0, 10],
  flexible: 6,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [2, 99] },
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'errorCode', t: 'int16', v: [0, 99] },
            { n: 'oldStyleOffsets', t: '[]int64', v: [0, 0] },
            { n: 'timestamp', t: 'int64', v: [1, 99], d: '-1' },
            { n: 'offset', t: 'int64', v: [1, 99], d: '-1' },
            { n: 'leaderEpoch', t: 'int32', v: [4, 99], d: '-1' },
          ],
        },
      ],
    },
  ],
}

export const CreateTopicsRequest: MessageSchema = {
  apiKey: 19,
  valid: [0, 7],
  flexible: 5,
  fields: [
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        { n: 'numPartitions', t: 'int32', v: [0, 99] },
        { n: 'replicationFactor', t: 'int16', v: [0, 99] },
        {
          n: 'assignments',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'brokerIds', t: '[]int32', v: [0, 99] },
          ],
        },
        {
          n: 'configs',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'name', t: 'string', v: [0, 99] },
            { n: 'value', t: 'string', v: [0, 99], nv: [0, 99] },
          ],
        },
      ],
    },
    { n: 'timeoutMs', t: 'int32', v: [0, 99], d: '60000' },
    { n: 'validateOnly', t: 'bool', v: [1, 99], d: 'false' },
  ],
}

export const CreateTopicsResponse: MessageSchema = {
  apiKey: 19,
  valid: [0, 7],
  flexible: 5,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [2, 99] },
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        { n: 'topicId', t: 'uuid', v: [7, 99] },
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'errorMessage', t: 'string', v: [1, 99], nv: [0, 99] },
        { n: 'topicConfigErrorCode', t: 'int16', v: [5, 99], tv: [5, 99], tag: 0 },
        { n: 'numPartitions', t: 'int32', v: [5, 99], d: '-1' },
        { n: 'replicationFactor', t: 'int16', v: [5, 99], d: '-1' },
        {
          n: 'configs',
          t: '[]struct',
          v: [5, 99],
          nv: [5, 99],
          f: [
            { n: 'name', t: 'string', v: [5, 99] },
            { n: 'value', t: 'string', v: [5, 99], nv: [5, 99] },
            { n: 'readOnly', t: 'bool', v: [5, 99] },
            { n: 'configSource', t: 'int8', v: [5, 99], d: '-1' },
            { n: 'isSensitive', t: 'bool', v: [5, 99] },
          ],
        },
      ],
    },
  ],
}

export const DeleteTopicsRequest: MessageSchema = {
  apiKey: 20,
  valid: [0, 6],
  flexible: 4,
  fields: [
    {
      n: 'topics',
      t: '[]struct',
      v: [6, 99],
      f: [
        { n: 'name', t: 'string', v: [6, 99], nv: [6, 99], d: 'null' },
        { n: 'topicId', t: 'uuid', v: [6, 99] },
      ],
    },
    { n: 'topicNames', t: '[]string', v: [0, 5] },
    { n: 'timeoutMs', t: 'int32', v: [0, 99] },
  ],
}

export const DeleteTopicsResponse: MessageSchema = {
  apiKey: 20,
  valid: [0, 6],
  flexible: 4,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [1, 99] },
    {
      n: 'responses',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99], nv: [6, 99] },
        { n: 'topicId', t: 'uuid', v: [6, 99] },
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'errorMessage', t: 'string', v: [5, 99], nv: [5, 99], d: 'null' },
      ],
    },
  ],
}

export const InitProducerIdRequest: MessageSchema = {
  apiKey: 22,
  valid: [0, 5],
  flexible: 2,
  fields: [
    { n: 'transactionalId', t: 'string', v: [0, 99], nv: [0, 99] },
    { n: 'transactionTimeoutMs', t: 'int32', v: [0, 99] },
    { n: 'producerId', t: 'int64', v: [3, 99], d: '-1' },
    { n: 'producerEpoch', t: 'int16', v: [3, 99], d: '-1' },
  ],
}

export const InitProducerIdResponse: MessageSchema = {
  apiKey: 22,
  valid: [0, 5],
  flexible: 2,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    { n: 'errorCode', t: 'int16', v: [0, 99] },
    { n: 'producerId', t: 'int64', v: [0, 99], d: '-1' },
    { n: 'producerEpoch', t: 'int16', v: [0, 99] },
  ],
}

export const DescribeClusterRequest: MessageSchema = {
  apiKey: 60,
  valid: [0, 1],
  flexible: 0,
  fields: [
    { n: 'includeClusterAuthorizedOperations', t: 'bool', v: [0, 99] },
    { n: 'endpointType', t: 'int8', v: [1, 99], d: '1' },
  ],
}

export const DescribeClusterResponse: MessageSchema = {
  apiKey: 60,
  valid: [0, 1],
  flexible: 0,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    { n: 'errorCode', t: 'int16', v: [0, 99] },
    { n: 'errorMessage', t: 'string', v: [0, 99], nv: [0, 99], d: 'null' },
    { n: 'endpointType', t: 'int8', v: [1, 99], d: '1' },
    { n: 'clusterId', t: 'string', v: [0, 99] },
    { n: 'controllerId', t: 'int32', v: [0, 99], d: '-1' },
    {
      n: 'brokers',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'brokerId', t: 'int32', v: [0, 99] },
        { n: 'host', t: 'string', v: [0, 99] },
        { n: 'port', t: 'int32', v: [0, 99] },
        { n: 'rack', t: 'string', v: [0, 99], nv: [0, 99], d: 'null' },
      ],
    },
    { n: 'clusterAuthorizedOperations', t: 'int32', v: [0, 99], d: '-2147483648' },
  ],
}

export const DeleteRecordsRequest: MessageSchema = {
  apiKey: 21,
  valid: [0, 2],
  flexible: 2,
  fields: [
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'offset', t: 'int64', v: [0, 99] },
          ],
        },
      ],
    },
    { n: 'timeoutMs', t: 'int32', v: [0, 99] },
  ],
}

export const DeleteRecordsResponse: MessageSchema = {
  apiKey: 21,
  valid: [0, 2],
  flexible: 2,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        {
          n: 'partitions',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'partitionIndex', t: 'int32', v: [0, 99] },
            { n: 'lowWatermark', t: 'int64', v: [0, 99] },
            { n: 'errorCode', t: 'int16', v: [0, 99] },
          ],
        },
      ],
    },
  ],
}

export const CreatePartitionsRequest: MessageSchema = {
  apiKey: 37,
  valid: [0, 3],
  flexible: 2,
  fields: [
    {
      n: 'topics',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        { n: 'count', t: 'int32', v: [0, 99] },
        {
          n: 'assignments',
          t: '[]struct',
          v: [0, 99],
          nv: [0, 99],
          f: [{ n: 'brokerIds', t: '[]int32', v: [0, 99] }],
        },
      ],
    },
    { n: 'timeoutMs', t: 'int32', v: [0, 99] },
    { n: 'validateOnly', t: 'bool', v: [0, 99] },
  ],
}

export const CreatePartitionsResponse: MessageSchema = {
  apiKey: 37,
  valid: [0, 3],
  flexible: 2,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    {
      n: 'results',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'name', t: 'string', v: [0, 99] },
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'errorMessage', t: 'string', v: [0, 99], nv: [0, 99], d: 'null' },
      ],
    },
  ],
}

export const DescribeConfigsRequest: MessageSchema = {
  apiKey: 32,
  valid: [0, 4],
  flexible: 4,
  fields: [
    {
      n: 'resources',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'resourceType', t: 'int8', v: [0, 99] },
        { n: 'resourceName', t: 'string', v: [0, 99] },
        { n: 'configurationKeys', t: '[]string', v: [0, 99], nv: [0, 99] },
      ],
    },
    { n: 'includeSynonyms', t: 'bool', v: [1, 99], d: 'false' },
    { n: 'includeDocumentation', t: 'bool', v: [3, 99], d: 'false' },
  ],
}

export const DescribeConfigsResponse: MessageSchema = {
  apiKey: 32,
  valid: [0, 4],
  flexible: 4,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    {
      n: 'results',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'errorMessage', t: 'string', v: [0, 99], nv: [0, 99] },
        { n: 'resourceType', t: 'int8', v: [0, 99] },
        { n: 'resourceName', t: 'string', v: [0, 99] },
        {
          n: 'configs',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'name', t: 'string', v: [0, 99] },
            { n: 'value', t: 'string', v: [0, 99], nv: [0, 99] },
            { n: 'readOnly', t: 'bool', v: [0, 99] },
            { n: 'isDefault', t: 'bool', v: [0, 0] },
            { n: 'configSource', t: 'int8', v: [1, 99], d: '-1' },
            { n: 'isSensitive', t: 'bool', v: [0, 99] },
            {
              n: 'synonyms',
              t: '[]struct',
              v: [1, 99],
              f: [
                { n: 'name', t: 'string', v: [1, 99] },
                { n: 'value', t: 'string', v: [1, 99], nv: [0, 99] },
                { n: 'source', t: 'int8', v: [1, 99] },
              ],
            },
            { n: 'configType', t: 'int8', v: [3, 99], d: '0' },
            { n: 'documentation', t: 'string', v: [3, 99], nv: [0, 99] },
          ],
        },
      ],
    },
  ],
}

export const AlterConfigsRequest: MessageSchema = {
  apiKey: 33,
  valid: [0, 2],
  flexible: 2,
  fields: [
    {
      n: 'resources',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'resourceType', t: 'int8', v: [0, 99] },
        { n: 'resourceName', t: 'string', v: [0, 99] },
        {
          n: 'configs',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'name', t: 'string', v: [0, 99] },
            { n: 'value', t: 'string', v: [0, 99], nv: [0, 99] },
          ],
        },
      ],
    },
    { n: 'validateOnly', t: 'bool', v: [0, 99] },
  ],
}

export const AlterConfigsResponse: MessageSchema = {
  apiKey: 33,
  valid: [0, 2],
  flexible: 2,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    {
      n: 'responses',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'errorMessage', t: 'string', v: [0, 99], nv: [0, 99] },
        { n: 'resourceType', t: 'int8', v: [0, 99] },
        { n: 'resourceName', t: 'string', v: [0, 99] },
      ],
    },
  ],
}

export const IncrementalAlterConfigsRequest: MessageSchema = {
  apiKey: 44,
  valid: [0, 1],
  flexible: 1,
  fields: [
    {
      n: 'resources',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'resourceType', t: 'int8', v: [0, 99] },
        { n: 'resourceName', t: 'string', v: [0, 99] },
        {
          n: 'configs',
          t: '[]struct',
          v: [0, 99],
          f: [
            { n: 'name', t: 'string', v: [0, 99] },
            { n: 'configOperation', t: 'int8', v: [0, 99] },
            { n: 'value', t: 'string', v: [0, 99], nv: [0, 99] },
          ],
        },
      ],
    },
    { n: 'validateOnly', t: 'bool', v: [0, 99] },
  ],
}

export const IncrementalAlterConfigsResponse: MessageSchema = {
  apiKey: 44,
  valid: [0, 1],
  flexible: 1,
  fields: [
    { n: 'throttleTimeMs', t: 'int32', v: [0, 99] },
    {
      n: 'responses',
      t: '[]struct',
      v: [0, 99],
      f: [
        { n: 'errorCode', t: 'int16', v: [0, 99] },
        { n: 'errorMessage', t: 'string', v: [0, 99], nv: [0, 99] },
        { n: 'resourceType', t: 'int8', v: [0, 99] },
        { n: 'resourceName', t: 'string', v: [0, 99] },
      ],
    },
  ],
}
