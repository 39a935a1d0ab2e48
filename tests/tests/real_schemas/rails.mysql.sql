-- A Rails application on MariaDB, as `db/schema.rb` loads it: bigint AUTO_INCREMENT keys,
-- `index_<table>_on_<columns>` names, `fk_rails_<hash>` foreign keys, `datetime(6)`
-- timestamps, an enum column, a descending index, a stored generated column, and Rails'
-- own tables.
CREATE TABLE `schema_migrations` (`version` varchar(255) NOT NULL, PRIMARY KEY (`version`));
CREATE TABLE `ar_internal_metadata` (`key` varchar(255) NOT NULL, `value` varchar(255) DEFAULT NULL, `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL, PRIMARY KEY (`key`));
CREATE TABLE `users` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL DEFAULT '',
  `name` varchar(100) DEFAULT NULL,
  `created_at` datetime(6) NOT NULL,
  `updated_at` datetime(6) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `index_users_on_email` (`email`),
  KEY `index_users_on_created_at` (`created_at` DESC)
);
CREATE TABLE `posts` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `user_id` bigint NOT NULL,
  `title` varchar(255) NOT NULL,
  `body` text,
  `status` enum('draft','published') NOT NULL DEFAULT 'draft',
  `title_length` int GENERATED ALWAYS AS (char_length(`title`)) STORED,
  `created_at` datetime(6) NOT NULL,
  `updated_at` datetime(6) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `index_posts_on_user_id` (`user_id`),
  UNIQUE KEY `index_posts_on_user_id_and_title` (`user_id`, `title`),
  CONSTRAINT `fk_rails_5b5ddfd518` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`),
  CONSTRAINT `chk_rails_title_present` CHECK (char_length(`title`) > 0)
);
