-- odd_names.sql for MariaDB: reserved words and a name with a space, an enum whose labels
-- are not identifiers, a composite key with a composite foreign key to it, two tables that
-- reference each other, unsigned and JSON columns, a prefix index, and comments on tables
-- and columns.
CREATE TABLE `user` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `type` varchar(20) NOT NULL DEFAULT 'person' COMMENT 'person or robot',
  `Display Name` varchar(80) DEFAULT NULL,
  `self` tinyint(1) NOT NULL DEFAULT 0,
  `match` enum('new','in progress','done-ish','Self') NOT NULL DEFAULT 'new',
  `best_team_id` bigint DEFAULT NULL,
  `settings` json DEFAULT NULL,
  `logins` int unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `user_display` (`Display Name`(20))
) COMMENT='People who sign in; "quoted" and */ too.';
CREATE TABLE `Team` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `name` varchar(100) NOT NULL,
  `captain_id` bigint DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `team_captain` FOREIGN KEY (`captain_id`) REFERENCES `user` (`id`) ON DELETE SET NULL
);
ALTER TABLE `user` ADD CONSTRAINT `user_best_team` FOREIGN KEY (`best_team_id`) REFERENCES `Team` (`id`);
CREATE TABLE `group` (
  `where` varchar(50) NOT NULL,
  `loop` int NOT NULL,
  `label` text,
  PRIMARY KEY (`where`, `loop`)
);
CREATE TABLE `group_members` (
  `where` varchar(50) NOT NULL,
  `loop` int NOT NULL,
  `user_id` bigint NOT NULL,
  PRIMARY KEY (`where`, `loop`, `user_id`),
  KEY `group_members_user` (`user_id`),
  CONSTRAINT `group_members_group` FOREIGN KEY (`where`, `loop`) REFERENCES `group` (`where`, `loop`) ON UPDATE CASCADE,
  CONSTRAINT `group_members_user` FOREIGN KEY (`user_id`) REFERENCES `user` (`id`) ON DELETE CASCADE
);
CREATE VIEW `robots` AS SELECT `id`, `Display Name` FROM `user` WHERE `type` = 'robot';
CREATE TRIGGER `user_type_lower` BEFORE INSERT ON `user` FOR EACH ROW SET NEW.`type` = LOWER(NEW.`type`);
