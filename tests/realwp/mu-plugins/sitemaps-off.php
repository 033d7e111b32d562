<?php
/**
 * Plugin Name: No sitemaps
 * Description: WordPress's own sitemaps switched off.
 */
add_filter('wp_sitemaps_enabled', '__return_false');
