/** Every served API. ApiVersions advertises exactly this list. */
import type { ServedApi } from '../handler.js'
import type { ApiRange } from '../router.js'
import { alterConfigsHandler } from './alter-configs.js'
import { apiVersionsHandler } from './api-versions.js'
import { createAclsHandler } from './create-acls.js'
import { createPartitionsHandler } from './create-partitions.js'
import { deleteAclsHandler } from './delete-acls.js'
import { describeAclsHandler } from './describe-acls.js'
import { createTopicsHandler } from './create-topics.js'
import { deleteRecordsHandler } from './delete-records.js'
import { deleteTopicsHandler } from './delete-topics.js'
import { describeClusterHandler } from './describe-cluster.js'
import { describeConfigsHandler } from './describe-configs.js'
import { fetchHandler } from './fetch.js'
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js'
import { initProducerIdHandler } from './init-producer-id.js'
import { listOffsetsHandler } from './list-offsets.js'
import { metadataHandler } from './metadata.js'
import { produceHandler } from './produce.js'
import { deleteGroupsHandler } from './delete-groups.js'
import { describeGroupsHandler } from './describe-groups.js'
import { findCoordinatorHandler } from './find-coordinator.js'
import { heartbeatHandler } from './heartbeat.js'
import { joinGroupHandler } from './join-group.js'
import { leaveGroupHandler } from './leave-group.js'
import { listGroupsHandler } from './list-groups.js'
import { offsetCommitHandler } from './offset-commit.js'
import { offsetDeleteHandler } from './offset-delete.js'
import { offsetFetchHandler } from './offset-fetch.js'
import { syncGroupHandler } from './sync-group.js'

export function allHandlers(ranges: () => ApiRange[]): ServedApi[] {
  return [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    apiVersionsHandler(ranges),
    createTopicsHandler,
    deleteTopicsHandler,
    deleteRecordsHandler,
    initProducerIdHandler,
    describeConfigsHandler,
    alterConfigsHandler,
    createPartitionsHandler,
    incrementalAlterConfigsHandler,
    describeClusterHandler,
    findCoordinatorHandler,
    joinGroupHandler,
    syncGroupHandler,
    heartbeatHandler,
    leaveGroupHandler,
    offsetCommitHandler,
    offsetFetchHandler,
    describeGroupsHandler,
    listGroupsHandler,
    deleteGroupsHandler,
    offsetDeleteHandler,
    describeAclsHandler,
    createAclsHandler,
    deleteAclsHandler,
  ]
}
