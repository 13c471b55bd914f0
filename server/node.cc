#include "server/node.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

#include "parvis/storage.h"
#include "server/accounts/account_service.h"
#include "server/civic/consultation_c2s.h"
#include "server/civic/ordering_usage.h"
#include "server/civic/petition_c2s.h"
#include "server/civic/civic_extensions.h"
#include "server/pages/safe_html_cache.h"
#include "server/pages/template_cache.h"
#include "server/signals/signal_recorder.h"
#include "server/signals/signals_extension.h"
#include "server/annotations/annotation_service.h"
#include "server/moderation/moderation_archive.h"
#include "server/moderation/moderation_service.h"
#include "server/civic/consultation_routes.h"
#include "server/civic/consultation_service.h"
#include "server/civic/petition_routes.h"
#include "server/civic/petition_service.h"
#include "server/civic/sector_routes.h"
#include "server/civic/sector_service.h"
#include "server/accounts/account_archive.h"
#include "server/civic/civic_archive.h"
#include "server/federation/federation_archive.h"
#include "server/messaging/message_archive.h"
#include "server/messaging/messaging_routes.h"
#include "server/messaging/messaging_service.h"
#include "server/control/control_routes.h"
#include "server/control/rules_control.h"
#include "parvis/protocol/keys.h"
#include "server/federation/actor_directory.h"
#include "server/federation/c2s_routes.h"
#include "server/federation/replay_pruner.h"
#include "server/accounts/session_store.h"
#include "server/federation/account_deletion.h"
#include "server/federation/account_import.h"
#include "server/federation/account_move.h"
#include "server/federation/import_jobs.h"
#include "server/federation/federation_retention.h"
#include "server/pages/about_pages.h"
#include "server/pages/footprint_pages.h"
#include "server/footprint/post_energy.h"
#include "server/footprint/resource_sampler.h"
#include "server/pages/account_pages.h"
#include "server/pages/annotation_pages.h"
#include "server/pages/admin_pages.h"
#include "server/pages/rules_pages.h"
#include "server/pages/follow_pages.h"
#include "server/pages/import_pages.h"
#include "server/pages/appeal_pages.h"
#include "server/pages/moderation_pages.h"
#include "server/pages/relation_pages.h"
#include "server/pages/consultation_pages.h"
#include "server/pages/message_pages.h"
#include "server/pages/petition_pages.h"
#include "server/pages/profile_pages.h"
#include "server/pages/search_pages.h"
#include "server/pages/timeline_pages.h"
#include "server/accounts/rate_limiter.h"
#include "server/federation/actor_routes.h"
#include "server/federation/actor_urls.h"
#include "server/federation/collection_routes.h"
#include "server/federation/discovery_routes.h"
#include "server/federation/delivery_queue.h"
#include "server/federation/domain_policy.h"
#include "server/federation/follow_commands.h"
#include "server/federation/relation_commands.h"
#include "server/federation/inbox.h"
#include "server/federation/inbox_processor.h"
#include "server/federation/post_routes.h"
#include "server/federation/post_service.h"
#include "server/federation/instance_actor.h"
#include "server/federation/request_signer.h"
#include "server/federation/signature_verifier.h"
#include "server/http/http_client.h"
#include "server/http/http_server.h"
#include "server/http/run_to_completion.h"
#include "server/pages/public_routes.h"
#include "server/process_stats.h"

namespace parvis {

std::string ControlSocketPath(const std::string& data_dir) {
  return data_dir + "/control.sock";
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Node::Impl {
  // Declaration order is destruction order reversed: the server goes first,
  // then the services, then the store.
  Config config;
  http::TrafficCounters traffic;  // bytes over HTTP; outlives the server and the client
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<accounts::AccountService> accounts;
  std::unique_ptr<civic::SectorService> sectors;
  std::unique_ptr<civic::OrderingUsage> ordering_usage;  // home pages per ordering (transparency)
  pages::TemplateCache templates;  // parsed once, shared by the pages
  pages::SafeHtmlCache safe_html;  // remote posts' HTML sanitised, shared by the pages
  federation::InstanceActorKeys instance_keys;
  std::unique_ptr<federation::DomainPolicy> policy;
  std::unique_ptr<http::EventLoop> loop;
  std::unique_ptr<http::HttpClient> client;
  std::unique_ptr<federation::ActorDirectory> directory;
  std::unique_ptr<federation::SignatureVerifier> verifier;
  std::unique_ptr<federation::DeliveryQueue> deliveries;
  std::unique_ptr<federation::InboxProcessor> processor;
  std::unique_ptr<federation::Inbox> inbox;
  std::unique_ptr<federation::PostService> posts;
  std::unique_ptr<federation::ImportJobs> import_jobs;  // web-started imports
  std::unique_ptr<civic::PetitionService> petitions;
  std::unique_ptr<civic::ConsultationService> consultations;
  std::unique_ptr<moderation::ModerationService> moderation;  // reports, Flags, decisions
  std::unique_ptr<annotations::AnnotationService> annotations;  // right of reply, context notes
  std::unique_ptr<signals::SignalRecorder> signal_recorder;  // amplification signals (docs/signals.md)
  std::unique_ptr<signals::SignalsExtension> signals_extension;
  std::unique_ptr<civic::CivicExtensions> civic_extensions;
  std::unique_ptr<civic::PetitionC2s> petition_c2s;
  std::unique_ptr<civic::ConsultationC2s> consultation_c2s;
  std::unique_ptr<civic::CivicC2s> civic_c2s;
  std::unique_ptr<messaging::MessagingService> messaging;
  std::unique_ptr<federation::ReplayPruner> pruner;
  accounts::RateLimiter limiter;
  std::atomic<bool> serving{false};
  http::Metrics metrics;
  std::unique_ptr<footprint::ResourceSampler> sampler;  // the resource page's samples
  http::Router public_router;
  http::Router control_router;
  std::unique_ptr<http::HttpServer> server;
};

Result<std::unique_ptr<Node>> Node::Open(const Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  // The data directory holds private records: only the node's user may enter.
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo,
                "cannot create data directory " + config.data_dir + ": " + ec.message());
  }
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  Result<std::unique_ptr<storage::Store>> store = storage::Store::Open({.path = config.data_dir});
  if (!store) return std::unexpected(store.error());
  impl->store = std::move(*store);
  impl->accounts = std::make_unique<accounts::AccountService>(*impl->store, UnixNow);
  impl->sectors = std::make_unique<civic::SectorService>(*impl->store, impl->config,
                                                         *impl->accounts, UnixNow);
  civic::SectorService* sectors = impl->sectors.get();
  impl->ordering_usage = std::make_unique<civic::OrderingUsage>(*impl->store);
  auto on_public_object = [sectors](storage::Batch& batch, const std::string& object_id,
                                    const std::string& author) {
    return sectors->NotePublicObject(batch, object_id, author);
  };

  pages::AddPublicRoutes(impl->public_router, {.config = &impl->config,
                                               .store = impl->store.get(),
                                               .accounts = impl->accounts.get(),
                                               .metrics = &impl->metrics});
  Result<federation::InstanceActorKeys> instance_keys =
      federation::LoadOrCreateInstanceKeys(*impl->store);
  if (!instance_keys) return std::unexpected(instance_keys.error());
  impl->instance_keys = std::move(*instance_keys);
  Result<protocol::PrivateKey> instance_rsa =
      protocol::ParsePrivateKeyPem(impl->instance_keys.rsa_private_pem);
  if (!instance_rsa) return std::unexpected(instance_rsa.error());

  // Federation: the outbound client, remote actors and the inbox.
  impl->policy = std::make_unique<federation::DomainPolicy>(impl->config);
  impl->loop = std::make_unique<http::EventLoop>(config.worker_threads);
  Result<std::unique_ptr<http::HttpClient>> client = http::HttpClient::Create(
      *impl->loop, {.allow_private_addresses = config.allow_private_addresses,
                    .user_agent = "parvis/" PARVIS_VERSION " (+" + config.base_url + ")",
                    .traffic = &impl->traffic});
  if (!client) return std::unexpected(client.error());
  impl->client = std::move(*client);
  federation::ActorUrls urls(config.base_url);
  impl->directory = std::make_unique<federation::ActorDirectory>(
      *impl->store, *impl->client, *impl->policy,
      federation::CavageSigner(*instance_rsa, urls.InstanceRsaKey(), UnixNow), UnixNow);
  impl->verifier = std::make_unique<federation::SignatureVerifier>(
      impl->config, *impl->directory, *impl->policy, UnixNow);
  federation::AddActorRoutes(impl->public_router, {.config = &impl->config,
                                                   .accounts = impl->accounts.get(),
                                                   .instance_keys = &impl->instance_keys,
                                                   .verifier = impl->verifier.get(),
                                                   .sector_of = [sectors](const accounts::Account& account) {
                                                     return std::string(protocol::SectorName(
                                                         sectors->ForAccount(account).sector));
                                                   },
                                                   .policy = impl->policy.get()});
  impl->deliveries = std::make_unique<federation::DeliveryQueue>(
      *impl->store, *impl->loop, *impl->client, *impl->accounts, impl->instance_keys, urls,
      UnixNow, federation::DeliveryOptions{.max_attempts = static_cast<int>(config.delivery_max_attempts),
                                  .first_retry_seconds = config.delivery_first_retry_seconds},
      impl->policy.get());
  impl->signal_recorder = std::make_unique<signals::SignalRecorder>(signals::RecorderContext{
      .store = impl->store.get(), .accounts = impl->accounts.get(), .base_url = impl->config.base_url, .now = UnixNow});
  signals::SignalRecorder* signal_recorder = impl->signal_recorder.get();
  impl->posts = std::make_unique<federation::PostService>(federation::PostContext{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .client = impl->client.get(),
      .now = UnixNow,
      .on_public_object = on_public_object,
      .on_fan_out = [database = impl->store.get(), base = impl->config.base_url](
                        storage::Batch& batch, const accounts::Account& author, const std::string& object,
                        const std::vector<std::string>& inboxes, size_t bytes) {
        return footprint::RecordFanOut(*database, batch, base, author.id, object, inboxes, bytes, UnixNow());
      },
      .on_reaction = [signal_recorder](storage::Batch& batch, const std::string& object, const std::string& author,
                                       const std::string& actor, const std::string& type, bool added) {
        return signal_recorder->Amplify(batch, object, author, actor,
                                        type == "Like" ? signals::Kind::kLike : signals::Kind::kBoost, added);
      },
  });
  civic::CivicContext civic_context{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .posts = impl->posts.get(),
      .now = UnixNow,
      .on_signature = [signal_recorder](storage::Batch& batch, const std::string& petition,
                                        const std::string& organiser, const std::string& signer, bool added) {
        return signal_recorder->Amplify(batch, petition, organiser, signer, signals::Kind::kSignature, added);
      },
  };
  impl->petitions = std::make_unique<civic::PetitionService>(civic_context);
  impl->consultations = std::make_unique<civic::ConsultationService>(civic_context);
  impl->petition_c2s = std::make_unique<civic::PetitionC2s>(*impl->petitions, impl->config);
  impl->consultation_c2s = std::make_unique<civic::ConsultationC2s>(*impl->consultations);
  impl->civic_c2s = std::make_unique<civic::CivicC2s>(
      std::vector<federation::C2sExtension*>{impl->petition_c2s.get(), impl->consultation_c2s.get()});
  impl->moderation = std::make_unique<moderation::ModerationService>(moderation::ModerationContext{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .posts = impl->posts.get(),
      .policy = impl->policy.get(),
      .now = UnixNow,
      .sectors = impl->sectors.get(),
  });
  if (Status loaded = impl->moderation->LoadDecisions(); !loaded) return std::unexpected(loaded.error());
  moderation::AddModerationCommands(impl->control_router, impl->moderation.get(), impl->accounts.get());
  impl->signals_extension =
      std::make_unique<signals::SignalsExtension>(*impl->signal_recorder, *impl->store, impl->config.base_url);
  // Signals first: they observe every activity and never take one.
  impl->annotations = std::make_unique<annotations::AnnotationService>(annotations::AnnotationContext{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .posts = impl->posts.get(),
      .now = UnixNow,
  });
  annotations::AddAnnotationCommands(impl->control_router, impl->annotations.get(), impl->accounts.get());
  impl->civic_extensions = std::make_unique<civic::CivicExtensions>(std::vector<federation::ActivityExtension*>{
      impl->signals_extension.get(), impl->petitions.get(), impl->consultations.get(), impl->moderation.get(),
      impl->annotations.get()});
  civic::AddConsultationRoutes(impl->public_router, impl->control_router,
                               {.accounts = impl->accounts.get(),
                                .consultations = impl->consultations.get(),
                                .serving = &impl->serving});
  civic::AddPetitionRoutes(impl->public_router, impl->control_router,
                           {.accounts = impl->accounts.get(),
                            .petitions = impl->petitions.get(),
                            .serving = &impl->serving});
  impl->messaging = std::make_unique<messaging::MessagingService>(messaging::MessagingContext{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .client = impl->client.get(),
      .now = UnixNow,
  });
  impl->processor = std::make_unique<federation::InboxProcessor>(federation::InboxProcessorContext{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .posts = impl->posts.get(),
      .loop = impl->loop.get(),
      .now = UnixNow,
      .on_public_object = on_public_object,
      .on_local_readers = [base = impl->config.base_url](storage::Batch& batch, const std::string& object,
                                                         size_t readers) {
        footprint::RecordLocalReaders(batch, base, object, readers, UnixNow());
        return Ok();
      },
      .extension = impl->civic_extensions.get(),
  });
  federation::InboxProcessor* processor = impl->processor.get();
  messaging::MessagingService* messages = impl->messaging.get();
  storage::Store* database = impl->store.get();
  impl->pruner = std::make_unique<federation::ReplayPruner>(*impl->store, *impl->loop, UnixNow, [messages, database] {
    Result<uint64_t> pruned = messages->Prune();
    if (!pruned) spdlog::warn("pruning encrypted messages: {}", pruned.error().message);
    Result<std::vector<storage::AccountId>> erased = federation::FinishErasures(*database);
    if (!erased) spdlog::warn("finishing account erasures: {}", erased.error().message);
    // The data policy's other durations (parvis/data_policy.h).
    const int64_t now = UnixNow();
    for (auto [what, pruned] : {std::pair{"received activities", federation::PruneReceivedActivities(*database, now)},
                                std::pair{"failed deliveries", federation::PruneFailedDeliveries(*database, now)},
                                std::pair{"sessions", accounts::SessionStore(*database).PruneExpired(now)}}) {
      if (!pruned) spdlog::warn("pruning {}: {}", what, pruned.error().message);
    }
  });
  impl->inbox = std::make_unique<federation::Inbox>(federation::InboxContext{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .policy = impl->policy.get(),
      .verifier = impl->verifier.get(),
      .limiter = &impl->limiter,
      .now = UnixNow,
      .on_queued = [processor] { processor->Wake(); },
      .direct = impl->messaging.get(),
  });
  impl->inbox->AddRoutes(impl->public_router);
  federation::AddPostRoutes(impl->public_router, impl->control_router,
                            {.config = &impl->config,
                             .store = impl->store.get(),
                             .accounts = impl->accounts.get(),
                             .posts = impl->posts.get(),
                             .serving = &impl->serving,
                             .verifier = impl->verifier.get()});
  federation::AddCollectionRoutes(impl->public_router, {.config = &impl->config,
                                                        .store = impl->store.get(),
                                                        .accounts = impl->accounts.get(),
                                                        .verifier = impl->verifier.get()});
  federation::FollowCommandsContext follow_context{
      .config = &impl->config,
      .store = impl->store.get(),
      .accounts = impl->accounts.get(),
      .directory = impl->directory.get(),
      .deliveries = impl->deliveries.get(),
      .client = impl->client.get(),
      .serving = &impl->serving,
      .now = UnixNow};
  federation::AddFollowCommands(impl->control_router, follow_context);
  federation::AddRelationCommands(impl->control_router, follow_context);
  federation::ImportContext import_context{.follows = follow_context, .posts = impl->posts.get()};
  federation::AddImportCommand(impl->control_router, import_context);
  impl->import_jobs = std::make_unique<federation::ImportJobs>(import_context);
  federation::AddAccountDeletionCommands(impl->control_router, follow_context);
  civic::PetitionService* petitions = impl->petitions.get();
  follow_context.on_move = [petitions](const accounts::Account& account, const std::string& actor,
                                       const std::string& target) -> Result<std::vector<std::string>> {
    if (Result<size_t> moved = petitions->MoveSignatures(actor, target); !moved) return std::unexpected(moved.error());
    return petitions->OrganisersElsewhere(account.id);
  };
  federation::AddAccountMoveCommands(impl->control_router, follow_context);
  pages::PagesContext pages_context{.config = &impl->config,
                                    .store = impl->store.get(),
                                    .accounts = impl->accounts.get(),
                                    .posts = impl->posts.get(),
                                    .directory = impl->directory.get(),
                                    .limiter = &impl->limiter,
                                    .now = UnixNow,
                                    .sectors = sectors,
                                    .petitions = impl->petitions.get(),
                                    .ordering_usage = impl->ordering_usage.get(),
                                    .policy = impl->policy.get(),
                                    .templates = &impl->templates,
                                    .safe_html = &impl->safe_html};
  messaging::AddMessagingRoutes(
      impl->public_router,
      {.config = &impl->config,
       .store = impl->store.get(),
       .accounts = impl->accounts.get(),
       .messaging = impl->messaging.get(),
       .verifier = impl->verifier.get(),
       .limiter = &impl->limiter,
       .now = UnixNow,
       .session_account = [pages_context](const http::Request& request) {
         return pages::ScriptSessionAccount(pages_context, request);
       }});
  pages::AddAboutPages(impl->public_router, pages_context);
  federation::DeliveryQueue* delivery_queue = impl->deliveries.get();
  Result<std::unique_ptr<footprint::ResourceSampler>> sampler = footprint::ResourceSampler::Create(
      *impl->store, {.traffic = &impl->traffic,
                     .deliveries = [delivery_queue] { return delivery_queue->delivered(); },
                     .now = UnixNow});
  if (!sampler) return std::unexpected(sampler.error());
  impl->sampler = std::move(*sampler);
  pages::AddFootprintPages(impl->public_router, pages_context, impl->sampler.get());
  pages::AddAccountPages(impl->public_router, pages_context, follow_context);
  pages::AddTimelinePages(impl->public_router, pages_context, follow_context);
  pages::AddAdminPages(impl->public_router, pages_context);
  pages::AddRulesPages(impl->public_router, pages_context);
  pages::AddProfilePages(impl->public_router, pages_context);
  pages::AddSearchPages(impl->public_router, pages_context, follow_context);
  pages::AddFollowPages(impl->public_router, pages_context, follow_context);
  pages::AddRelationPages(impl->public_router, pages_context, follow_context);
  pages::AddImportPages(impl->public_router, pages_context, impl->import_jobs.get());
  pages::AddModerationPages(impl->public_router, pages_context, impl->moderation.get());
  pages::AddAppealPages(impl->public_router, pages_context, impl->moderation.get());
  pages::AddAnnotationPages(impl->public_router, pages_context, impl->annotations.get());
  pages::AddPetitionPages(impl->public_router, pages_context, impl->petitions.get());
  pages::AddConsultationPages(impl->public_router, pages_context, impl->consultations.get());
  pages::AddMessagePages(impl->public_router, pages_context);
  federation::AddC2sRoutes(impl->public_router, {.config = &impl->config,
                                                 .store = impl->store.get(),
                                                 .accounts = impl->accounts.get(),
                                                 .posts = impl->posts.get(),
                                                 .follows = follow_context,
                                                 .extension = impl->civic_c2s.get()});
  federation::AddDiscoveryRoutes(impl->public_router,
                                 {.config = &impl->config,
                                  .accounts = impl->accounts.get(),
                                  .store = impl->store.get()});
  civic::AddSectorControlRoutes(impl->control_router, *impl->sectors);
  control::AddRulesControlRoutes(impl->control_router,
                                 {.config = &impl->config, .store = impl->store.get(), .now = UnixNow});
  // An account's archive: each wing writes its own files.
  pages::ArchiveSections archive_sections = [raw_impl = impl.get()](const accounts::ExportOptions& options) {
    Impl* i = raw_impl;
    return std::vector<accounts::ArchiveSection>{
        accounts::CoreSection(*i->accounts, options),
        federation::FederationSection(*i->store, *i->posts,
                                      [i](const accounts::Account& account) {
                                        return federation::ActorResponse(
                                                   i->config, account,
                                                   std::string(protocol::SectorName(
                                                       i->sectors->ForAccount(account).sector)))
                                            .body;
                                      }),
        civic::CivicSection(*i->store),
        messaging::MessagingSection(*i->store),
        moderation::ModerationSection(*i->store),
    };
  };
  accounts::AddExportCommand(impl->control_router, {.accounts = impl->accounts.get(),
                                                    .base_url = impl->config.base_url,
                                                    .sections = archive_sections,
                                                    .now = UnixNow});
  pages::AddDataExportPage(impl->public_router, pages_context, archive_sections);
  control::AddControlRoutes(impl->control_router,
                            {.store = impl->store.get(), .accounts = impl->accounts.get()});

  Impl* raw = impl.get();
  impl->metrics.AddGauge("parvis_resident_memory_bytes", "Resident memory of the node process.",
                         "", [] { return static_cast<double>(ResidentMemoryBytes()); });
  impl->metrics.AddGauge("parvis_cpu_seconds", "CPU time used by the node process.", "",
                         [] { return CpuSeconds(); });
  impl->metrics.AddGauge("parvis_http_in_flight", "HTTP requests being read or handled.", "",
                         [raw] {
                           return raw->server ? static_cast<double>(raw->server->in_flight()) : 0;
                         });
  impl->metrics.AddGauge("parvis_queue_depth", "Estimated entries waiting in a persisted queue.",
                         "queue=\"all\"", [raw] {
                           return static_cast<double>(
                               raw->store->EstimateKeys(storage::Family::kQueues));
                         });
  impl->metrics.AddGauge("parvis_deliveries_failed", "Deliveries given up since start.", "",
                         [raw] { return raw->deliveries ? static_cast<double>(raw->deliveries->failed()) : 0.0; });
  impl->metrics.AddGauge("parvis_stored_records", "Estimated records per column family.",
                         "family=\"objects\"", [raw] {
                           return static_cast<double>(
                               raw->store->EstimateKeys(storage::Family::kObjects));
                         });
  impl->metrics.AddGauge("parvis_stored_records", "Estimated records per column family.",
                         "family=\"accounts\"", [raw] {
                           return static_cast<double>(
                               raw->store->EstimateKeys(storage::Family::kAccounts));
                         });
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  if (impl_->server) {
    impl_->server->Stop();
    impl_->server->Wait();
  }
  // Then the threads end; spare sockets close while their io_context lives;
  // then the loop goes, destroying what was left on it (coroutines of the
  // client and the inbox, which must still exist then).
  // The run's last sample, once the server took no more requests.
  impl_->sampler->Stop();
  if (Status recorded = impl_->sampler->Record(); !recorded) {
    spdlog::warn("last resource sample: {}", recorded.error().message);
  }
  impl_->loop->Stop();
  impl_->loop->Join();
  impl_->client->CloseIdleConnections();
  // Workers own timers on the loop: let go of them so the coroutines still
  // holding them release them while the io_context is being destroyed.
  impl_->server.reset();
  impl_->processor.reset();
  impl_->deliveries.reset();
  impl_->pruner.reset();
  impl_->sampler.reset();
  impl_->petitions->Stop();
  impl_->consultations->Stop();
  impl_->loop.reset();
}

Status Node::Serve(bool stop_on_signals) {
  const Config& config = impl_->config;
  http::HttpServerOptions options{.address = config.listen_address,
                                  .port = config.listen_port,
                                  .control_socket = ControlSocketPath(config.data_dir),
                                  .limits = config.limits,
                                  .stop_on_signals = stop_on_signals,
                                  .traffic = &impl_->traffic};
  Result<std::unique_ptr<http::HttpServer>> server = http::HttpServer::Start(
      options, *impl_->loop, &impl_->public_router, &impl_->control_router, &impl_->metrics);
  if (!server) return std::unexpected(server.error());
  impl_->server = std::move(*server);
  impl_->deliveries->Start();
  impl_->processor->Start();
  impl_->pruner->Start();
  impl_->sampler->Start(*impl_->loop);
  impl_->petitions->Start(*impl_->loop);
  impl_->consultations->Start(*impl_->loop);
  impl_->serving = true;
  impl_->loop->Start();
  return Ok();
}

uint16_t Node::port() const { return impl_->server ? impl_->server->port() : 0; }

void Node::Stop() {
  if (impl_->server) impl_->server->Stop();
}

void Node::Wait() {
  if (impl_->server) impl_->server->Wait();
}

http::Response Node::CallControl(const std::string& method, const std::string& target,
                                 const std::string& json_body) {
  http::Request request;
  request.method = method;
  request.target = target;
  request.path = target.substr(0, target.find('?'));
  if (target.find('?') != std::string::npos) request.query = target.substr(target.find('?') + 1);
  request.body = json_body;
  request.headers.emplace_back("content-type", "application/json");
  return http::RunToCompletion(impl_->control_router, request,
                               {.max_bytes = impl_->config.limits.body_bytes,
                                .max_depth = impl_->config.limits.json_depth});
}

Result<uint64_t> Node::AccountCount() const { return impl_->accounts->Count(); }

storage::Store& Node::store() { return *impl_->store; }

}  // namespace parvis
