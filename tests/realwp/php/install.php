<?php
/**
 * Installs WordPress into the site's empty database: core tables, the administrator, the site's
 * name, time zone, theme, permalink structure and category and tag bases. Content comes in another process
 * (populate.php), which must start with the permalink structure already in place.
 */
define('WP_INSTALLING', true);
require __DIR__ . '/cli.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

succeeded(wp_install($site['title'], 'admin', 'admin@example.org', true, '', wp_slash('test-password')), 'wp_install');
// The samples wp_install writes: "Hello world!" and the sample page.
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $sample) {
	if ('publish' === $sample->post_status) {
		wp_delete_post($sample->ID, true);
	}
}
update_option('blogdescription', $site['tagline']);
update_option('timezone_string', $site['timezone']);
update_option('gmt_offset', '');
update_option('default_comment_status', 'closed');
switch_theme($site['theme']);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure($site['permalink_structure']);
$wp_rewrite->set_category_base($site['category_base']);
$wp_rewrite->set_tag_base($site['tag_base']);
